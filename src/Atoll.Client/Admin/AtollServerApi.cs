using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Atoll.Client.Mapping;
using Atoll.Client.Protocol;
using Atoll.Client.Remote;

namespace Atoll.Client.Admin;

/// <summary>
/// The management side of a remote Atoll server beyond <see cref="IAtollAdmin"/>: the token and its accounts, account tokens,
/// SQL scripts with every statement's result, import and export, Time Travel, fork and query insights — the calls the
/// <c>atoll</c> command line makes, over the same connection (one HttpClient, one token) as <see cref="Databases"/>.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/"/>
public sealed class AtollServerApi : IDisposable
{
    static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(200);
    const string NodesPath = "client/v4/cluster/nodes";
    const int NotFoundCode = 7404;
    readonly RemoteConnection _connection;
    readonly RemoteAdmin _admin;

    internal AtollServerApi(RemoteConnection connection)
    {
        _connection = connection;
        _admin = new RemoteAdmin(connection, ownsConnection: false);
    }

    /// <summary>Creates, lists, finds and deletes databases of the account, through this connection.</summary>
    public IAtollAdmin Databases => _admin;

    /// <summary>The server's base address.</summary>
    public string Url => _connection.Source;

    /// <summary>The account the calls work in: the configured one, or the token's only account.</summary>
    /// <exception cref="D1Exception">None is configured and the token can use none or several.</exception>
    public async Task<string> AccountIdAsync(CancellationToken cancellationToken = default)
        => await _connection.AccountAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Checks the token (<c>GET /user/tokens/verify</c>); returns its id.</summary>
    /// <exception cref="D1Exception">The token is not valid (API code 1000), or the server could not be reached.</exception>
    public async Task<string> VerifyTokenAsync(CancellationToken cancellationToken = default)
    {
        var result = await GetResultAsync("client/v4/user/tokens/verify", cancellationToken).ConfigureAwait(false);
        return result.GetProperty("id").GetString()!;
    }

    /// <summary>The accounts the token can use.</summary>
    /// <exception cref="D1Exception">The server refused the token or could not be reached.</exception>
    public async Task<IReadOnlyList<AtollAccount>> ListAccountsAsync(CancellationToken cancellationToken = default)
    {
        var result = await GetResultAsync("client/v4/accounts", cancellationToken).ConfigureAwait(false);
        return [.. result.EnumerateArray().Select(ToAccount)];
    }

    /// <summary>Creates an account (only the server's admin token may).</summary>
    /// <exception cref="D1Exception">The token is not the admin token (403), or the name is empty.</exception>
    public async Task<AtollAccount> CreateAccountAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = await PostResultAsync("client/v4/accounts", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["name"] = name }),
            cancellationToken).ConfigureAwait(false);
        return ToAccount(result);
    }

    /// <summary>The account's API tokens (without their secrets).</summary>
    /// <exception cref="D1Exception">The token may not manage tokens (403).</exception>
    public async Task<IReadOnlyList<AtollToken>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        var result = await GetResultAsync(await TokensPathAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return [.. result.EnumerateArray().Select(ToToken)];
    }

    /// <summary>Creates an API token; its <see cref="AtollToken.Value"/> is the secret, shown only now.</summary>
    /// <param name="name">A name for people.</param>
    /// <param name="permission"><c>read</c> or <c>edit</c>.</param>
    /// <param name="databases">Uuids or names of the databases it may use; null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="D1Exception">The permission is unknown, a database does not exist, or the token may not manage tokens.</exception>
    public async Task<AtollToken> CreateTokenAsync(string name, string permission, IReadOnlyList<string>? databases,
        CancellationToken cancellationToken = default)
    {
        var body = Json(json =>
        {
            json.WriteString("name", name);
            json.WriteString("permission", permission);
            if (databases is not null)
            {
                json.WriteStartArray("databases");
                foreach (var database in databases) json.WriteStringValue(database);
                json.WriteEndArray();
            }
        });
        return ToToken(await PostResultAsync(await TokensPathAsync(cancellationToken).ConfigureAwait(false), body, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Revokes the token with this id; false when the account has none.</summary>
    /// <exception cref="D1Exception">The token may not manage tokens (403).</exception>
    public async Task<bool> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        var path = $"{await TokensPathAsync(cancellationToken).ConfigureAwait(false)}/{Uri.EscapeDataString(tokenId)}";
        var response = await _connection.SendAsync(HttpMethod.Delete, path, null, retry: false, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return false;
        Envelope.ReadResult(response, _connection.Source);
        return true;
    }

    /// <summary>The nodes of the server's cluster that have not left (a single node lists itself), with the databases open on each.</summary>
    /// <exception cref="D1Exception">The token is not the admin token (403), or the server could not be reached.</exception>
    public async Task<IReadOnlyList<AtollNode>> ListNodesAsync(CancellationToken cancellationToken = default)
    {
        var result = await GetResultAsync(NodesPath, cancellationToken).ConfigureAwait(false);
        return [.. result.EnumerateArray().Select(ToNode)];
    }

    /// <summary>
    /// Starts draining the node named <paramref name="name"/>: it closes its databases (they open on other nodes), leaves the
    /// cluster and exits. Returns once the drain has started; false when no active node has that name.
    /// </summary>
    /// <exception cref="D1Exception">The token is not the admin token (403), or the server could not be reached.</exception>
    public async Task<bool> DrainNodeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var response = await _connection.SendAsync(HttpMethod.Post, $"{NodesPath}/{Uri.EscapeDataString(name)}/drain", null, retry: false, cancellationToken)
            .ConfigureAwait(false);
        if (response.Status == 404 && Envelope.TryReadError(response.Body).Code == NotFoundCode) return false;
        Envelope.ReadResult(response, _connection.Source);
        return true;
    }

    /// <summary>
    /// Runs an SQL script (one or more statements, separated by <c>;</c>) atomically and returns every statement's result, as
    /// <c>wrangler d1 execute --command</c> does; integers stay exact to 64 bits.
    /// </summary>
    /// <exception cref="D1Exception">A statement failed (D1's message, e.g. <c>no such table: t: SQLITE_ERROR</c>; nothing was written), or the database does not exist (7404).</exception>
    public async Task<IReadOnlyList<D1Result<JsonElement>>> ExecuteAsync(string database, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(sql);
        var body = Json(json => json.WriteString("sql", sql));
        var response = await _connection.SendAsync(HttpMethod.Post, $"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/raw",
            body, retry: false, cancellationToken).ConfigureAwait(false);
        return [.. Envelope.ReadResults(response, _connection.Source).Select(r => new D1Result<JsonElement>(r, RowMapper.MapAll<JsonElement>(r)))];
    }

    /// <summary>Imports an SQL file with D1's import protocol (init, upload, ingest, poll): it runs as one transaction.</summary>
    /// <param name="database">The database's uuid or name.</param>
    /// <param name="file">The SQL file.</param>
    /// <param name="uploaded">Told how many bytes have been uploaded so far.</param>
    /// <param name="cancellationToken">Cancels the wait (the import may still finish on the server).</param>
    /// <exception cref="D1Exception">A statement failed (the import was rolled back), or the database does not exist.</exception>
    public async Task<ImportResult> ImportAsync(string database, FileInfo file, IProgress<long>? uploaded = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        string etag;
        await using (var stream = file.OpenRead())
            etag = Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        var path = $"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/import";
        var init = await PostResultAsync(path, Json(json =>
        {
            json.WriteString("action", "init");
            json.WriteString("etag", etag);
        }), cancellationToken).ConfigureAwait(false);
        if (init.TryGetProperty("upload_url", out var url))
        {
            await using (var stream = file.OpenRead())
            {
                using var content = new ProgressContent(stream, uploaded);
                var put = await _connection.SendContentAsync(HttpMethod.Put, url.GetString()!, content, cancellationToken).ConfigureAwait(false);
                if (put.Status is < 200 or > 299)
                    throw new D1Exception(D1ErrorCodes.Error, Envelope.TryReadError(put.Body).Message ?? $"HTTP {put.Status} uploading {file.Name}");
            }
            init = await PostResultAsync(path, Json(json =>
            {
                json.WriteString("action", "ingest");
                json.WriteString("etag", etag);
                json.WriteString("filename", init.GetProperty("filename").GetString());
            }), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            uploaded?.Report(file.Length);
        }
        var done = await PollAsync(path, init, json => json.WriteString("action", "poll"), cancellationToken).ConfigureAwait(false);
        var result = done.GetProperty("result");
        var meta = result.GetProperty("meta");
        return new ImportResult(result.GetProperty("num_queries").GetInt64(), result.GetProperty("final_bookmark").GetString()!,
            meta.GetProperty("rows_read").GetInt64(), meta.GetProperty("rows_written").GetInt64(), meta.GetProperty("duration").GetDouble());
    }

    /// <summary>Exports the database as SQL (D1's polling export, then the signed download) into <paramref name="destination"/>.</summary>
    /// <returns>The export's file name on the server (it names the bookmark it was taken at).</returns>
    /// <exception cref="D1Exception">The database does not exist or the export failed.</exception>
    public async Task<string> ExportAsync(string database, Stream destination, ExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new ExportOptions();
        var path = $"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/export";
        void Body(Utf8JsonWriter json)
        {
            json.WriteString("output_format", "polling");
            json.WriteStartObject("dump_options");
            json.WriteBoolean("no_schema", options.NoSchema);
            json.WriteBoolean("no_data", options.NoData);
            json.WriteStartArray("tables");
            foreach (var table in options.Tables) json.WriteStringValue(table);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var first = await PostResultAsync(path, Json(Body), cancellationToken).ConfigureAwait(false);
        var done = await PollAsync(path, first, Body, cancellationToken).ConfigureAwait(false);
        var result = done.GetProperty("result");
        await _connection.DownloadAsync(result.GetProperty("signed_url").GetString()!, destination, cancellationToken).ConfigureAwait(false);
        return result.GetProperty("filename").GetString()!;
    }

    /// <summary>The bookmark of the database's state at <paramref name="at"/> (now when null), as <c>wrangler d1 time-travel info</c>.</summary>
    /// <exception cref="D1Exception">The time is outside the retention window, or the database does not exist.</exception>
    public async Task<string> GetBookmarkAsync(string database, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var query = at is { } time ? "?timestamp=" + Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)) : "";
        var result = await GetResultAsync($"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/time_travel/bookmark{query}",
            cancellationToken).ConfigureAwait(false);
        return result.GetProperty("bookmark").GetString()!;
    }

    /// <summary>Restores the database to a bookmark (Time Travel); the restore is itself a commit, undone by restoring <see cref="RestoreResult.PreviousBookmark"/>.</summary>
    /// <exception cref="D1Exception">The bookmark is not valid or too old, the rate limit was hit, or the database does not exist.</exception>
    public async Task<RestoreResult> RestoreAsync(string database, string bookmark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookmark);
        var path = $"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/time_travel/restore?bookmark={Uri.EscapeDataString(bookmark)}";
        var result = await PostResultAsync(path, null, cancellationToken).ConfigureAwait(false);
        return new RestoreResult(result.GetProperty("bookmark").GetString()!, result.GetProperty("previous_bookmark").GetString()!,
            result.GetProperty("message").GetString()!);
    }

    /// <summary>Creates database <paramref name="name"/> from <paramref name="database"/>'s state at a bookmark, a time, or now.</summary>
    /// <exception cref="D1Exception">The name is taken or not valid, the point is outside the history, or the source does not exist.</exception>
    public async Task<ForkResult> ForkAsync(string database, string name, string? bookmark = null, DateTimeOffset? at = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var body = Json(json =>
        {
            json.WriteString("name", name);
            if (bookmark is not null) json.WriteString("bookmark", bookmark);
            else if (at is { } time) json.WriteString("timestamp", time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        });
        var result = await PostResultAsync($"{await DatabasePathAsync(database, cancellationToken).ConfigureAwait(false)}/fork", body, cancellationToken)
            .ConfigureAwait(false);
        var from = result.GetProperty("forked_from");
        return new ForkResult(RemoteAdmin.ToInfo(result.GetProperty("database")), from.GetProperty("uuid").GetString()!, from.GetProperty("bookmark").GetString()!);
    }

    /// <summary>The database's query shapes over the last <paramref name="period"/>, ordered as <c>wrangler d1 insights</c> orders them.</summary>
    /// <param name="database">The database's uuid or name.</param>
    /// <param name="period">How far back to look.</param>
    /// <param name="orderBy">A GraphQL order, e.g. <c>sum_queryDurationMs_DESC</c>, <c>avg_rowsRead_ASC</c>, <c>count_DESC</c>.</param>
    /// <param name="limit">How many query shapes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="D1Exception">The order is unknown, or the database does not exist.</exception>
    public async Task<IReadOnlyList<QueryInsight>> InsightsAsync(string database, TimeSpan period, string orderBy = "sum_queryDurationMs_DESC", int limit = 5,
        CancellationToken cancellationToken = default)
    {
        var info = await _admin.GetDatabaseAsync(database, cancellationToken).ConfigureAwait(false)
            ?? throw new D1Exception(D1ErrorCodes.Error, "The database could not be found.", 7404);
        var account = await _connection.AccountAsync(cancellationToken).ConfigureAwait(false);
        var to = DateTimeOffset.UtcNow;
        var query = "query($accountTag: string, $filter: any) { viewer { accounts(filter: {accountTag: $accountTag}) { "
            + $"d1QueriesAdaptiveGroups(limit: {limit.ToString(CultureInfo.InvariantCulture)}, filter: $filter, orderBy: [{orderBy}]) "
            + "{ sum { queryDurationMs rowsRead rowsWritten rowsReturned } avg { queryDurationMs rowsRead rowsWritten rowsReturned } count dimensions { query databaseId } } } } }";
        var body = Json(json =>
        {
            json.WriteString("query", query);
            json.WriteStartObject("variables");
            json.WriteString("accountTag", account);
            json.WriteStartObject("filter");
            json.WriteString("databaseId", info.Uuid);
            json.WriteString("datetimeHour_geq", (to - period).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("datetimeHour_leq", to.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
        });
        var response = await _connection.SendAsync(HttpMethod.Post, "client/v4/graphql", body, retry: true, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(response.Body);
        var root = document.RootElement;
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            throw new D1Exception(D1ErrorCodes.Error, errors[0].GetProperty("message").GetString() ?? "GraphQL error");
        var rows = root.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("d1QueriesAdaptiveGroups");
        return [.. rows.EnumerateArray().Select(row =>
        {
            var sum = row.GetProperty("sum");
            var dimensions = row.GetProperty("dimensions");
            return new QueryInsight(dimensions.GetProperty("query").GetString()!, dimensions.GetProperty("databaseId").GetString()!,
                row.GetProperty("count").GetInt64(), sum.GetProperty("queryDurationMs").GetDouble(),
                row.GetProperty("avg").GetProperty("queryDurationMs").GetDouble(), (long)sum.GetProperty("rowsRead").GetDouble(),
                (long)sum.GetProperty("rowsWritten").GetDouble(), (long)sum.GetProperty("rowsReturned").GetDouble());
        })];
    }

    /// <summary>Polls a transfer job (import or export) until it is complete; returns its last answer.</summary>
    async Task<JsonElement> PollAsync(string path, JsonElement answer, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (answer.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.False || answer.GetProperty("status").GetString() == "error")
            {
                var error = answer.TryGetProperty("error", out var e) ? e.GetString() : null;
                var messages = answer.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array
                    ? string.Join(" ", m.EnumerateArray().Select(x => x.GetString()).Skip(1)) : "";
                throw new D1Exception(D1ErrorCodes.Error, string.IsNullOrEmpty(messages) ? error ?? "The transfer failed." : $"{error} ({messages})");
            }
            if (answer.GetProperty("status").GetString() == "complete") return answer;
            var bookmark = answer.GetProperty("at_bookmark").GetString()!;
            await Task.Delay(PollDelay, cancellationToken).ConfigureAwait(false);
            answer = await PostResultAsync(path, Json(json =>
            {
                body(json);
                json.WriteString("current_bookmark", bookmark);
            }), cancellationToken).ConfigureAwait(false);
        }
    }

    async Task<string> TokensPathAsync(CancellationToken cancellationToken)
        => $"client/v4/accounts/{Uri.EscapeDataString(await _connection.AccountAsync(cancellationToken).ConfigureAwait(false))}/tokens";

    async Task<string> DatabasePathAsync(string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        return $"{await _connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false)}/{Uri.EscapeDataString(database)}";
    }

    async Task<JsonElement> GetResultAsync(string path, CancellationToken cancellationToken)
        => Envelope.ReadResult(await _connection.SendAsync(HttpMethod.Get, path, null, retry: true, cancellationToken).ConfigureAwait(false), _connection.Source);

    async Task<JsonElement> PostResultAsync(string path, byte[]? body, CancellationToken cancellationToken)
        => Envelope.ReadResult(await _connection.SendAsync(HttpMethod.Post, path, body, retry: false, cancellationToken).ConfigureAwait(false), _connection.Source);

    static byte[] Json(Action<Utf8JsonWriter> writeProperties)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    static DateTimeOffset Instant(JsonElement item, string name)
        => item.TryGetProperty(name, out var at) && at.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : default;

    static AtollAccount ToAccount(JsonElement item)
        => new(item.GetProperty("id").GetString()!, item.GetProperty("name").GetString()!, Instant(item, "created_on"));

    static AtollToken ToToken(JsonElement item)
        => new(item.GetProperty("id").GetString()!, item.GetProperty("name").GetString()!, item.GetProperty("permission").GetString()!,
            item.TryGetProperty("databases", out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray().Select(d => d.GetString()!)] : null,
            Instant(item, "issued_on"), item.TryGetProperty("value", out var value) ? value.GetString() : null);

    static AtollNode ToNode(JsonElement item)
        => new(item.GetProperty("name").GetString()!, item.GetProperty("region").GetString() ?? "", item.GetProperty("address").GetString() ?? "",
            item.GetProperty("status").GetString() ?? "", Instant(item, "started_at"),
            item.TryGetProperty("databases", out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray().Select(d => d.GetString()!)] : null);

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();
}
