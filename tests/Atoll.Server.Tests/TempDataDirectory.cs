using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Tests;

/// <summary>A server data directory in the temp folder, deleted on Dispose.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "atoll-server-test-" + Guid.NewGuid().ToString("N"));

    public IOptions<AtollServerOptions> Options => Microsoft.Extensions.Options.Options.Create(new AtollServerOptions { DataDirectory = Path });

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
