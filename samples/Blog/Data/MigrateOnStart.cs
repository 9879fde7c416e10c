namespace Blog.Data;

/// <summary>Runs the migrations before anything else starts (the web server included), so no request sees an old schema.</summary>
public sealed class MigrateOnStart(Migrations migrations) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => migrations.RunAllAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
