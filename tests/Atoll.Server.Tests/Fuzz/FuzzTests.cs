using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Atoll.Server.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of every HTTP surface of a real server (REST, binding, management, transfers, GraphQL, raw HTTP): no 5xx, the
/// right JSON shapes, no request over <see cref="HangBound"/>, no other tenant's data, and afterwards a live server whose every
/// database answers. See <see cref="FuzzSettings"/> for the CI run and the longer developer run.
/// </summary>
public sealed class FuzzTests
{
    /// <summary>A request not answered within this is a hang (a generous bound for a loaded machine, not a performance figure).</summary>
    static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fuzzed_requests_get_no_5xx_and_leave_every_database_answering()
    {
        var settings = FuzzSettings.FromEnvironment();
        await using var server = await AtollServer.StartAsync();
        var tenants = await PrepareAsync(server);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var generator = new RequestGenerator(new Random(settings.Seed), tenants);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < settings.MaxRequests && clock.Elapsed < settings.Budget && failures.Count < 25; sent++)
        {
            var request = generator.Next();
            var (status, contentType, body, error) = await SendAsync(client, server.BaseAddress, request);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var problem = error ?? ReplyCheck.Problem(request, status, contentType, body, tenants.Secret);
            if (problem is not null) failures.Add($"#{sent}: {problem}\n    request: {request.Describe()}");
        }

        failures.AddRange(await AfterwardsAsync(server, client, tenants));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {settings.Seed}: {sent} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(failures.Count == 0,
            $"Fuzzing with seed {settings.Seed} (ATOLL_FUZZ_SEED={settings.Seed} reproduces) found {failures.Count} problem(s):\n" + string.Join("\n", failures));
    }

    static async Task<(int Status, string? ContentType, byte[] Body, string? Error)> SendAsync(HttpClient client, Uri server, FuzzRequest request)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timer.CancelAfter(HangBound);
        try
        {
            if (request.Raw is { } raw)
            {
                var reply = await RawHttp.SendAsync(server, raw, HangBound, Ct);
                return (reply.Status, null, reply.Body, null);
            }
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
            if (request.Body is { } body && request.Method != "HEAD")
            {
                message.Content = new ByteArrayContent(body);
                message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            }
            using var response = await client.SendAsync(message, timer.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(timer.Token);
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, bytes, null);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return (0, null, [], $"no reply within {HangBound.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return (0, null, [], $"the connection failed without a reply: {ex.Message}");
        }
    }

    /// <summary>The server is alive, every database of both tenants answers, and the second tenant's secret is where it was.</summary>
    static async Task<IEnumerable<string>> AfterwardsAsync(AtollServer server, HttpClient client, FuzzTenants tenants)
    {
        var problems = new List<string>();
        using var health = await client.GetAsync("/healthz", Ct);
        if (!health.IsSuccessStatusCode) problems.Add($"after fuzzing: /healthz answered {(int)health.StatusCode}");
        foreach (var account in new[] { tenants.AccountId, tenants.OtherAccountId })
        {
            var list = await Reply.ReadAsync(await server.Client.GetAsync(server.Databases(account) + "?per_page=10000", Ct));
            foreach (var database in list.Result.EnumerateArray())
            {
                var uuid = database.GetProperty("uuid").GetString()!;
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                timer.CancelAfter(HangBound);
                try
                {
                    using var answer = await server.Client.PostAsJsonAsync($"{server.Databases(account)}/{uuid}/query", new { sql = "SELECT 1 AS one" }, timer.Token);
                    if (!answer.IsSuccessStatusCode)
                        problems.Add($"after fuzzing: database {uuid} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(Ct)}");
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    problems.Add($"after fuzzing: database {uuid} did not answer within {HangBound.TotalSeconds:0} s");
                }
            }
        }
        var secret = await server.QueryAsync(tenants.OtherDatabase, new { sql = "SELECT v FROM secrets" }, accountId: tenants.OtherAccountId);
        if (!secret.Text.Contains(tenants.Secret, StringComparison.Ordinal)) problems.Add($"after fuzzing: the other tenant's secret is gone: {secret.Text}");
        return problems;
    }

    static async Task<FuzzTenants> PrepareAsync(AtollServer server)
    {
        async Task<string> TokenAsync(string account, object body)
        {
            var reply = await Reply.ReadAsync(await server.Client.PostAsync($"/client/v4/accounts/{account}/tokens", AtollServer.Json(body), Ct));
            Assert.True(reply.Success, reply.Text);
            return reply.Result.GetProperty("value").GetString()!;
        }

        var databases = new List<(string, string)>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"fuzz-{i}";
            var uuid = await server.CreateDatabaseAsync(name);
            await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'one'), (2, 'two')" });
            databases.Add((uuid, name));
        }
        var other = await Reply.ReadAsync(await server.Client.PostAsync("/client/v4/accounts", AtollServer.Json(new { name = "other-tenant" }), Ct));
        var otherAccount = other.Result.GetProperty("id").GetString()!;
        var otherDatabase = await server.CreateDatabaseAsync("fuzz-0", accountId: otherAccount);   // the same name as the first tenant's
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        var insert = await server.QueryAsync(otherDatabase, new { sql = "CREATE TABLE secrets(v); INSERT INTO secrets VALUES (?)", @params = new[] { secret } },
            accountId: otherAccount);
        Assert.True(insert.Success, insert.Text);
        return new FuzzTenants(server.AccountId, server.AdminToken,
            await TokenAsync(server.AccountId, new { name = "tenant", permission = "edit" }),
            await TokenAsync(server.AccountId, new { name = "reader", permission = "read" }),
            await TokenAsync(server.AccountId, new { name = "scoped", permission = "edit", databases = new[] { databases[0].Item1 } }),
            databases, otherAccount,
            await TokenAsync(otherAccount, new { name = "other-reader", permission = "read" }),
            otherDatabase, secret);
    }
}
