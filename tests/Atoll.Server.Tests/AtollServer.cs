using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Atoll.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests;

/// <summary>A real Atoll server: real Kestrel on 127.0.0.1, real Orleans, a temp data directory.</summary>
public sealed class AtollServer : IAsyncDisposable
{
    WebApplication _app = null!;

    public string DataDirectory { get; private set; } = "";
    public string AdminToken { get; } = "test-admin-" + Guid.NewGuid().ToString("N");
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string AccountId { get; private set; } = "";
    public IServiceProvider Services => _app.Services;

    public static async Task<AtollServer> StartAsync(string? dataDirectory = null, string? adminToken = null, params string[] extraArgs)
    {
        var server = new AtollServer();
        await server.StartCoreAsync(dataDirectory ?? Path.Combine(Path.GetTempPath(), "atoll-server-test-" + Guid.NewGuid().ToString("N")),
            adminToken ?? server.AdminToken, extraArgs);
        return server;
    }

    /// <summary>Starts without <c>--admin-token</c>, so the server generates one into the data directory.</summary>
    public static async Task<AtollServer> StartWithoutAdminTokenAsync(string dataDirectory)
    {
        var server = new AtollServer();
        await server.StartCoreAsync(dataDirectory, null, []);
        return server;
    }

    async Task StartCoreAsync(string dataDirectory, string? adminToken, string[] extraArgs)
    {
        DataDirectory = dataDirectory;
        string[] tokenArgs = adminToken is null ? [] : ["--admin-token", adminToken];
        _app = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, .. tokenArgs, .. extraArgs]);
        await _app.StartAsync();
        adminToken ??= (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin-token"))).Trim();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Client = NewClient(adminToken);
        var accounts = await Client.GetFromJsonAsync<JsonElement>("/client/v4/accounts");
        AccountId = accounts.GetProperty("result")[0].GetProperty("id").GetString()!;
    }

    public HttpClient NewClient(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public string Databases(string? accountId = null) => $"/client/v4/accounts/{accountId ?? AccountId}/d1/database";

    /// <summary>Creates a database with a unique name; returns its uuid.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, HttpClient? client = null, string? accountId = null)
    {
        var response = await (client ?? Client).PostAsync(Databases(accountId), Json(new { name = name ?? "db-" + Guid.NewGuid().ToString("N")[..12] }));
        var body = await Reply.ReadAsync(response);
        Assert.True(body.Success, body.Text);
        return body.Result.GetProperty("uuid").GetString()!;
    }

    public async Task<Reply> QueryAsync(string database, object body, HttpClient? client = null, string endpoint = "query")
        => await Reply.ReadAsync(await (client ?? Client).PostAsync($"{Databases()}/{database}/{endpoint}", Json(body)));

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent Raw(string body) => new(body, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync() => await StopAsync(deleteData: true);

    public async Task StopAsync(bool deleteData)
    {
        Client?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (deleteData)
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A v4 envelope as received: status, success, result, first error.</summary>
public sealed record Reply(int Status, string? ContentType, JsonElement Body, string Text)
{
    public bool Success => Body.GetProperty("success").GetBoolean();
    public JsonElement Result => Body.GetProperty("result");
    public int ErrorCode => Body.GetProperty("errors")[0].GetProperty("code").GetInt32();
    public string ErrorMessage => Body.GetProperty("errors")[0].GetProperty("message").GetString()!;

    public static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
