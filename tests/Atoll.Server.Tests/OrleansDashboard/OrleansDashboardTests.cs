using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Atoll.Server.OrleansDashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Atoll.Server.Tests.OrleansDashboard;

/// <summary>One server with the Orleans dashboard on (and a known node name), shared by <see cref="OrleansDashboardTests"/>.</summary>
public sealed class OrleansDashboardFixture : IAsyncLifetime
{
    public const string NodeName = "dashboard-test-node";

    public AtollServer Server { get; private set; } = null!;

    /// <summary>A client without credentials; each request sets its own.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await AtollServer.StartAsync(extraArgs: ["--Atoll:OrleansDashboard:Enabled=true", $"--Atoll:Node={NodeName}"]);
        Anonymous = Server.NewClient(null);
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>The Orleans dashboard under <c>/orleans/</c>: admin token only (Basic or Bearer), on every path; absent when off.</summary>
public sealed class OrleansDashboardTests(OrleansDashboardFixture fixture) : IClassFixture<OrleansDashboardFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    AtollServer Server => fixture.Server;

    // The page, its script, and its JSON endpoints (the cluster's silos, grain types, one silo's properties, the log
    // stream), a redirect, and paths/methods the package does not serve: all behind the credential.
    static readonly string[] ProtectedPaths =
    [
        "/orleans", "/orleans/", "/orleans/index.html", "/orleans/index.min.js", "/orleans/DashboardCounters", "/orleans/ClusterStats",
        "/orleans/GrainTypes", "/orleans/TopGrainMethods", "/orleans/SiloProperties/127.0.0.1:1@1", "/orleans/Trace", "/orleans/no-such-page",
    ];

    [Fact]
    public async Task Without_credentials_every_path_under_the_prefix_answers_401_with_a_Basic_challenge()
    {
        foreach (var path in ProtectedPaths)
            await AssertUnauthenticatedAsync(await fixture.Anonymous.GetAsync(path, Ct), path, "no API token was sent");
        await AssertUnauthenticatedAsync(await fixture.Anonymous.PostAsync("/orleans/DashboardCounters", null, Ct), "POST /orleans/DashboardCounters",
            "no API token was sent");
    }

    [Fact]
    public async Task A_wrong_token_answers_401_as_Basic_password_and_as_Bearer()
    {
        foreach (var path in (string[])["/orleans/", "/orleans/DashboardCounters"])
        {
            await AssertUnauthenticatedAsync(await SendAsync(path, Basic("admin", "not-the-admin-token")), path + " (Basic)", "not valid");
            await AssertUnauthenticatedAsync(await SendAsync(path, new AuthenticationHeaderValue("Bearer", "not-the-admin-token")),
                path + " (Bearer)", "not valid");
        }
        await AssertUnauthenticatedAsync(await SendAsync("/orleans/", new AuthenticationHeaderValue("Basic", "%%%")), "malformed Basic", "base64");
        await AssertUnauthenticatedAsync(await SendAsync("/orleans/", new AuthenticationHeaderValue("Digest", "x")), "Digest", "'Basic'");
    }

    [Fact]
    public async Task Account_and_database_tokens_answer_403_even_though_they_are_valid()
    {
        var database = await Server.CreateDatabaseAsync();
        var accountToken = await CreateTokenAsync(new { name = "owner", permission = "edit" });
        var databaseToken = await CreateTokenAsync(new { name = "one-db", permission = "read", databases = new[] { database } });
        foreach (var (kind, token) in new[] { ("account", accountToken), ("database", databaseToken) })
        {
            // Valid: the REST API takes it.
            using (var client = Server.NewClient(token))
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Server.Databases()}/{database}", Ct)).StatusCode);
            foreach (var path in (string[])["/orleans/", "/orleans/DashboardCounters", "/orleans/GrainTypes"])
            {
                await AssertForbiddenAsync(await SendAsync(path, Basic("anyone", token)), $"{kind} token, Basic, {path}");
                await AssertForbiddenAsync(await SendAsync(path, new AuthenticationHeaderValue("Bearer", token)), $"{kind} token, Bearer, {path}");
            }
        }
    }

    [Fact]
    public async Task The_admin_token_opens_the_page_as_Basic_password_with_any_user_name_and_as_Bearer()
    {
        foreach (var credential in new[] { Basic("operator", Server.AdminToken), Basic("", Server.AdminToken),
                     new AuthenticationHeaderValue("Bearer", Server.AdminToken) })
        {
            var page = await SendAsync("/orleans/", credential);
            var html = await page.Content.ReadAsStringAsync(Ct);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{credential.Scheme}: {(int)page.StatusCode} {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>Orleans Dashboard</title>", html);
            var script = await SendAsync("/orleans/index.min.js", credential);
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{credential.Scheme} index.min.js: {(int)script.StatusCode}");
        }
        // Without the trailing slash: a redirect to it (relative asset paths resolve under the prefix), once authenticated.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orleans") { Headers = { Authorization = Basic("x", Server.AdminToken) } };
        var redirect = await noRedirects.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/orleans/", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Its_silo_list_names_this_node_as_an_active_silo()
    {
        // The dashboard grain samples the cluster once a second: poll (generously) until this silo is listed.
        JsonElement counters = default;
        string text = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            var response = await SendAsync("/orleans/DashboardCounters", Basic("operator", Server.AdminToken));
            text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            counters = JsonDocument.Parse(text).RootElement.Clone();
            if (counters.GetProperty("hosts").EnumerateArray().Any(h => h.GetProperty("siloName").GetString() == OrleansDashboardFixture.NodeName))
                break;
            await Task.Delay(250, Ct);
        } while (DateTime.UtcNow < deadline);
        var silo = counters.GetProperty("hosts").EnumerateArray()
            .SingleOrDefault(h => h.GetProperty("siloName").GetString() == OrleansDashboardFixture.NodeName);
        Assert.True(silo.ValueKind == JsonValueKind.Object, $"no silo named {OrleansDashboardFixture.NodeName} in: {text}");
        Assert.Equal("Active", silo.GetProperty("status").GetString());

        // Atoll's own grains are among the grain types it reports (the same data, Bearer this time).
        var types = await SendAsync("/orleans/GrainTypes", new AuthenticationHeaderValue("Bearer", Server.AdminToken));
        var typesText = await types.Content.ReadAsStringAsync(Ct);
        Assert.True(types.StatusCode == HttpStatusCode.OK, $"{(int)types.StatusCode} {typesText}");
        Assert.Contains("Atoll.Server", typesText);
    }

    [Fact]
    public void When_on_the_profiling_filter_and_the_dashboard_host_are_registered()
    {
        // The counterpart of the disabled test below: proves that check can see them.
        Assert.Contains(Server.Services.GetServices<IIncomingGrainCallFilter>(), IsDashboards);
        Assert.Contains(Server.Services.GetServices<IHostedService>(), IsDashboards);
    }

    [Fact]
    public async Task Off_by_default_the_prefix_is_an_unknown_path_and_nothing_of_the_dashboard_is_registered()
    {
        await using var server = await AtollServer.StartAsync();
        foreach (var path in (string[])["/orleans/", "/orleans/DashboardCounters", "/orleans/index.min.js"])
        {
            var reply = await Reply.ReadAsync(await server.Client.GetAsync(path, Ct)); // with the admin token
            Assert.True(reply.Status == 404 && reply.ErrorCode == 7003, $"{path}: {reply.Status} {reply.Text}");
        }
        Assert.DoesNotContain(server.Services.GetServices<IIncomingGrainCallFilter>(), IsDashboards);
        Assert.DoesNotContain(server.Services.GetServices<IHostedService>(), IsDashboards);
    }

    [Fact]
    public async Task Another_path_serves_it_there_and_not_under_orleans()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: ["--Atoll:OrleansDashboard:Enabled=true", "--Atoll:OrleansDashboard:Path=/ops/orleans/"]);
        var page = await server.Client.GetAsync("/ops/orleans/", Ct);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode} {await page.Content.ReadAsStringAsync(Ct)}");
        using var anonymous = server.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/ops/orleans/DashboardCounters", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/orleans/", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_path_Atoll_serves_itself_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AtollServer.StartAsync(extraArgs: ["--Atoll:OrleansDashboard:Enabled=true", "--Atoll:OrleansDashboard:Path=/client/orleans"]));
        Assert.Contains("Atoll:OrleansDashboard:Path", error.Message);
    }

    [Theory]
    [InlineData("/orleans")]
    [InlineData("/orleans/")]
    [InlineData("/ops/orleans-dashboard")]
    public void Usable_paths_validate(string path) => new OrleansDashboardOptions { Enabled = true, Path = path }.Validate();

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("orleans")]
    [InlineData("/orleans//x")]
    [InlineData("/../x")]
    [InlineData("/{id}")]
    [InlineData("/dashboard")]
    [InlineData("/Client/v4")]
    [InlineData("/metrics")]
    [InlineData("/atoll/orleans")]
    public void Unusable_paths_are_refused_naming_the_setting(string path)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OrleansDashboardOptions { Enabled = true, Path = path }.Validate());
        Assert.Contains("Atoll:OrleansDashboard:Path", error.Message);
        new OrleansDashboardOptions { Enabled = false, Path = path }.Validate(); // off: the path is not used
    }

    static bool IsDashboards(object service) => service.GetType().Assembly.GetName().Name == "Orleans.Dashboard";

    static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    async Task<HttpResponseMessage> SendAsync(string path, AuthenticationHeaderValue credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = credential } };
        return await fixture.Anonymous.SendAsync(request, Ct);
    }

    async Task<string> CreateTokenAsync(object body)
    {
        var reply = await Reply.ReadAsync(await Server.Client.PostAsync($"/client/v4/accounts/{Server.AccountId}/tokens", AtollServer.Json(body), Ct));
        Assert.True(reply.Success, reply.Text);
        return reply.Result.GetProperty("value").GetString()!;
    }

    static async Task AssertUnauthenticatedAsync(HttpResponseMessage response, string what, string messagePart)
    {
        var reply = await Reply.ReadAsync(response);
        Assert.True(reply.Status == 401, $"{what}: {reply.Status} {reply.Text}");
        Assert.True(response.Headers.WwwAuthenticate.ToString().StartsWith("Basic realm=\"Atoll\"", StringComparison.Ordinal),
            $"{what}: WWW-Authenticate was '{response.Headers.WwwAuthenticate}'");
        Assert.True(!reply.Success && reply.ErrorCode == 9109 && reply.ErrorMessage.Contains(messagePart), $"{what}: {reply.Text}");
    }

    static async Task AssertForbiddenAsync(HttpResponseMessage response, string what)
    {
        var reply = await Reply.ReadAsync(response);
        Assert.True(reply.Status == 403 && !reply.Success && reply.ErrorCode == 10000, $"{what}: {reply.Status} {reply.Text}");
        Assert.True(response.Headers.WwwAuthenticate.Count == 0, $"{what}: a 403 must not ask for other credentials ({response.Headers.WwwAuthenticate})");
    }
}
