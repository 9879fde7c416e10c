using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Atoll.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Client.Tests;

/// <summary>The SDK's sessions in remote mode send their constraint or bookmark, so a server with read replicas serves them from one.</summary>
public sealed class RemoteSessionTests : IAsyncLifetime
{
    const string Token = "client-session-tests-token-0123456789";
    readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "atoll-client-sessions-" + Guid.NewGuid().ToString("N"));
    WebApplication _app = null!;
    string _url = "";
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _dataDirectory, "--admin-token", Token,
            "--Atoll:Region=ENAM", "--Atoll:Replication:Regions:0=WEUR", "--Atoll:Replication:BookmarkWait=00:00:05"]);
        await _app.StartAsync(Ct);
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_session_reads_its_own_write_from_a_replica_and_plain_queries_stay_on_the_primary()
    {
        using var db = D1Client.Open(new D1DatabaseOptions { Mode = AtollMode.Remote, Url = _url, ApiToken = Token, Database = "sessions", CreateIfMissing = true });
        await db.ExecAsync("CREATE TABLE t (x)", Ct);
        await SetAutoAsync("sessions");

        var session = db.WithSession("first-unconstrained");
        var write = await session.Prepare("INSERT INTO t VALUES (1)").RunAsync(Ct);
        Assert.True(write.Meta.ServedByPrimary);
        var read = await session.Prepare("SELECT count(*) AS n FROM t").AllAsync(Ct);
        Assert.False(read.Meta.ServedByPrimary); // the session's bookmark went along: a replica that applied it answered
        Assert.Equal("WEUR", read.Meta.ServedByRegion);
        Assert.Equal(1, read.Results[0].GetProperty("n").GetInt32());

        var plain = await db.Prepare("SELECT count(*) AS n FROM t").AllAsync(Ct);
        Assert.True(plain.Meta.ServedByPrimary);
        Assert.Equal("ENAM", plain.Meta.ServedByRegion);
    }

    async Task SetAutoAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var accounts = JsonDocument.Parse(await http.GetStringAsync("/client/v4/accounts", Ct));
        var account = accounts.RootElement.GetProperty("result")[0].GetProperty("id").GetString();
        var response = await http.PatchAsync($"/client/v4/accounts/{account}/d1/database/{name}",
            new StringContent("""{"read_replication":{"mode":"auto"}}""", Encoding.UTF8, "application/json"), Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
