using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Client.Tests;

/// <summary>Registration: keyed databases, configuration binding, validation messages, the admin and tenants.</summary>
public sealed class D1ServiceCollectionExtensionsTests(AtollServerFixture server) : IDisposable
{
    readonly TempDirectory _directory = new();

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        register(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddD1Database_binds_the_D1_section_and_registers_a_keyed_database()
    {
        using var provider = Build(new()
        {
            ["D1:DB:DataDirectory"] = _directory.Path,
            ["D1:DB:Database"] = "main",
            ["D1:DB:CreateIfMissing"] = "true",
            ["D1:OTHER:DataDirectory"] = _directory.Path,
            ["D1:OTHER:Database"] = "wrong",
        }, services => services.AddD1Database("DB").AddD1Database("OTHER", o => o.Database = "other"));
        var db = provider.GetRequiredKeyedService<ID1Database>("DB");
        Assert.Same(db, provider.GetRequiredService<ID1Database>()); // the first binding is also the default
        await db.Prepare("CREATE TABLE t (x)").RunAsync(Ct);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "main", "db.sqlite")));
        Assert.Equal("other", provider.GetRequiredService<IOptionsMonitor<D1DatabaseOptions>>().Get("OTHER").Database); // code overrides configuration
    }

    [Fact]
    public void Invalid_options_fail_with_messages_naming_each_setting()
    {
        using var provider = Build(new() { ["D1:DB:Mode"] = "Remote", ["D1:DB:Url"] = "not a url", ["D1:DB:MaxReadRetries"] = "5" },
            services => services.AddD1Database("DB"));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ID1Database>("DB"));
        Assert.Contains("D1:DB:Url must be the server's absolute http(s) URL in Remote mode, e.g. http://127.0.0.1:8787 (got 'not a url').", ex.Failures);
        Assert.Contains("D1:DB:ApiToken is required in Remote mode.", ex.Failures);
        Assert.Contains("D1:DB:Database is required (the database's name).", ex.Failures);
        Assert.Contains("D1:DB:MaxReadRetries must be 0, 1 or 2 (D1 retries a read at most twice; got 5).", ex.Failures);
    }

    [Fact]
    public async Task A_host_refuses_to_start_with_invalid_options()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddD1Database("DB", o => o.Database = "bad name!");
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains(ex.Failures, f => f.StartsWith("D1:DB:DataDirectory is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("D1:DB:Database 'bad name!' is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_remote_binding_goes_through_the_http_client_factory_to_a_real_server()
    {
        var name = "di-" + Guid.NewGuid().ToString("N")[..12];
        using var provider = Build(new()
        {
            ["D1:DB:Mode"] = "Remote", ["D1:DB:Url"] = server.Url, ["D1:DB:ApiToken"] = AtollServerFixture.AdminToken,
            ["D1:DB:AccountId"] = server.AccountId, ["D1:DB:Database"] = name, ["D1:DB:CreateIfMissing"] = "true",
        }, services => services.AddD1Database("DB"));
        var db = provider.GetRequiredKeyedService<ID1Database>("DB");
        await db.Prepare("CREATE TABLE t (x)").RunAsync(Ct);
        Assert.Equal(0, await db.Prepare("SELECT count(*) AS n FROM t").FirstAsync<int>("n", Ct));
    }

    [Fact]
    public async Task AddAtollAdmin_registers_the_admin_and_tenant_databases()
    {
        using var provider = Build(new() { ["AtollAdmin:DataDirectory"] = _directory.Path, ["AtollAdmin:TenantDatabasePrefix"] = "shop-" },
            services => services.AddAtollAdmin());
        var tenants = provider.GetRequiredService<ITenantDatabases>();
        await (await tenants.GetAsync("acme", Ct)).Prepare("CREATE TABLE t (x)").RunAsync(Ct);
        var admin = provider.GetRequiredService<IAtollAdmin>();
        Assert.Equal(["shop-acme"], (await admin.ListDatabasesAsync(Ct)).Select(d => d.Name));
    }

    public void Dispose() => _directory.Dispose();
}
