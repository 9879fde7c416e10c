namespace Atoll.Client.Tests;

/// <summary>The shared suite on the embedded transport: Atoll's engine in this process, a temp data directory.</summary>
public sealed class EmbeddedD1DatabaseTests : D1DatabaseContract
{
    readonly TempDirectory _directory = new();
    readonly IAtollAdmin _admin;

    public EmbeddedD1DatabaseTests() => _admin = D1Client.OpenAdmin(AdminOptions);

    protected override IAtollAdmin Admin => _admin;

    protected override AtollAdminOptions AdminOptions => new() { Mode = AtollMode.Embedded, DataDirectory = _directory.Path };

    [Fact]
    public async Task Calls_complete_synchronously_because_the_engine_is_synchronous()
    {
        var db = await NewDatabaseAsync();
        var task = db.Prepare("SELECT 1").AllAsync(Ct);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.True(db.ExecAsync("SELEC 1", Ct).IsFaulted); // errors arrive in the task, not as a synchronous throw
    }

    [Fact]
    public async Task Two_clients_of_one_file_share_it_and_see_each_others_writes()
    {
        var name = NewName();
        var options = new D1DatabaseOptions { DataDirectory = _directory.Path, Database = name, CreateIfMissing = true };
        using var first = D1Client.Open(options);
        using var second = D1Client.Open(options);
        await first.Prepare("CREATE TABLE t (x)").RunAsync(Ct);
        await second.Prepare("INSERT INTO t VALUES (1)").RunAsync(Ct);
        Assert.Equal(1, await first.Prepare("SELECT count(*) AS n FROM t").FirstAsync<int>("n", Ct));
        Assert.True(File.Exists(Path.Combine(_directory.Path, name, "db.sqlite")));
    }

    protected override void DisposeTransport() => _directory.Dispose();
}
