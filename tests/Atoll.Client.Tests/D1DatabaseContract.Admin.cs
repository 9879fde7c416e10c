namespace Atoll.Client.Tests;

public abstract partial class D1DatabaseContract
{
    [Fact]
    public async Task Admin_creates_finds_lists_and_deletes_databases()
    {
        var name = NewName();
        var created = await Admin.CreateDatabaseAsync(name, Ct);
        Assert.Equal(name, created.Name);
        Assert.True(Guid.TryParse(created.Uuid, out _));
        Assert.Contains(await Admin.ListDatabasesAsync(Ct), d => d.Uuid == created.Uuid && d.Name == name);

        using (var db = Admin.Open(name))
            await db.Prepare("CREATE TABLE a (x); CREATE TABLE b (y)").RunAsync(Ct);
        var byName = await Admin.GetDatabaseAsync(name, Ct);
        Assert.Equal((created.Uuid, (int?)2), (byName!.Uuid, byName.NumTables));
        Assert.True(byName.FileSize > 0);
        Assert.Equal(name, (await Admin.GetDatabaseAsync(created.Uuid, Ct))!.Name);

        Assert.True(await Admin.DeleteDatabaseAsync(name, Ct));
        Assert.Null(await Admin.GetDatabaseAsync(name, Ct));
        Assert.DoesNotContain(await Admin.ListDatabasesAsync(Ct), d => d.Uuid == created.Uuid);
        Assert.False(await Admin.DeleteDatabaseAsync(name, Ct));
    }

    [Fact]
    public async Task Admin_refuses_a_taken_or_malformed_name()
    {
        var name = NewName();
        await Admin.CreateDatabaseAsync(name, Ct);
        var taken = await Assert.ThrowsAsync<D1Exception>(() => Admin.CreateDatabaseAsync(name, Ct));
        Assert.Equal((7502, "D1_ERROR: A database with that name already exists"), (taken.ApiCode, taken.Message));
        var bad = await Assert.ThrowsAsync<D1Exception>(() => Admin.CreateDatabaseAsync("bad name!", Ct));
        Assert.Equal(7400, bad.ApiCode);
        Assert.Contains("must start with a letter or digit", bad.Message);
    }

    [Fact]
    public async Task A_deleted_or_missing_database_fails_its_queries_with_Not_Found()
    {
        // Its own name: "the last one listed" may be another test's database, created meanwhile on the shared server.
        var name = NewName();
        await Admin.CreateDatabaseAsync(name, Ct);
        using var db = Admin.Open(name);
        await db.Prepare("CREATE TABLE t (x)").RunAsync(Ct);
        Assert.True(await Admin.DeleteDatabaseAsync(name, Ct));
        var deleted = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT * FROM t").AllAsync(Ct));
        Assert.Equal(7404, deleted.ApiCode);
        Assert.StartsWith("D1_ERROR: Not Found", deleted.Message); // the server goes on to name the database it did not find
        using var missing = Admin.Open(NewName());
        var never = await Assert.ThrowsAsync<D1Exception>(() => missing.Prepare("SELECT 1").AllAsync(Ct));
        Assert.Equal(7404, never.ApiCode);
    }

    [Fact]
    public async Task Tenants_get_their_own_database_created_on_first_use()
    {
        var options = AdminOptions;
        options.TenantDatabasePrefix = "ten" + Guid.NewGuid().ToString("N")[..8] + "-";
        var tenants = D1Client.Tenants(Admin, options);
        var acme = await tenants.GetAsync("acme", Ct);
        Assert.Same(acme, await tenants.GetAsync("acme", Ct));
        var globex = await tenants.GetAsync("globex", Ct);
        await acme.Prepare("CREATE TABLE orders (id INTEGER PRIMARY KEY)").RunAsync(Ct);
        await acme.Prepare("INSERT INTO orders DEFAULT VALUES").RunAsync(Ct);
        Assert.Equal(1, await acme.Prepare("SELECT count(*) AS n FROM orders").FirstAsync<int>("n", Ct));
        var isolated = await Assert.ThrowsAsync<D1Exception>(() => globex.Prepare("SELECT * FROM orders").AllAsync(Ct));
        Assert.Equal("D1_ERROR: no such table: orders: SQLITE_ERROR", isolated.Message);
        Assert.NotNull(await Admin.GetDatabaseAsync(options.TenantDatabasePrefix + "acme", Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await tenants.GetAsync("not valid!", Ct));

        options.CreateTenantDatabases = false;
        var strict = D1Client.Tenants(Admin, options);
        Assert.NotNull(await strict.GetAsync("acme", Ct));
        var unknown = await Assert.ThrowsAsync<D1Exception>(async () => await strict.GetAsync("initech", Ct));
        Assert.Equal(7404, unknown.ApiCode);
        (tenants as IDisposable)?.Dispose();
        (strict as IDisposable)?.Dispose();
    }
}
