using System.Globalization;
using System.Text;

namespace Atoll.Server.Tests.Fuzz;

/// <summary>
/// Generates requests from one seeded <see cref="Random"/>: real routes with wrong methods, ids, tokens, query strings and
/// bodies (malformed JSON, wrong types, deep nesting, huge numbers, invalid UTF-8, unpaired surrogates, NUL bytes, random SQL),
/// and raw bytes that are barely HTTP (broken request lines, headers, chunked framing, odd Content-Lengths).
/// </summary>
public sealed class RequestGenerator(Random random, FuzzTenants tenants)
{
    static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

    static readonly string[] SqlFragments =
    [
        "SELECT", "INSERT INTO", "UPDATE", "DELETE FROM", "CREATE TABLE", "DROP TABLE", "ALTER TABLE", "RENAME TO", "PRAGMA",
        "table_list", "table_info(t)", "foreign_keys=OFF", "optimize", "WITH", "VALUES", "(", ")", ",", ";", "*", "?", "?1", ":a", "@b",
        "$c", "t", "fuzz", "_cf_KV", "sqlite_master", "temp.x", "main.t", "x", "1", "-1", "9223372036854775807", "1e308", "0x10",
        "'text'", "'é'", "'\u2028'", "x'00ff'", "NULL", "FROM", "WHERE", "AND", "OR", "LIMIT", "ORDER BY", "GROUP BY", "json('[1]')",
        "json_extract('{\"a\":1}','$.a')", "randomblob(16)", "zeroblob(10)", "length(", "substr(", "hex(", "typeof(", "count(*)",
        "ATTACH", "DETACH", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "VACUUM", "ANALYZE", "REINDEX", "EXPLAIN", "--", "/*", "*/",
        "CREATE VIRTUAL TABLE v USING fts5(a)", "CREATE INDEX", "ON", "TRIGGER", "AFTER", "INSERT", "BEGIN SELECT 1; END",
        "load_extension('x')", "sqlite_version()", "'", "\"", "`", "[", "]", "\\", "\t", "\n", "\u00a0",
    ];

    static readonly string[] ValidSql =
    [
        "SELECT 1", "CREATE TABLE IF NOT EXISTS t(a, b)", "INSERT INTO t VALUES (?, ?)", "SELECT * FROM t LIMIT 5",
        "SELECT ?1 AS a, ?2 AS b", "PRAGMA table_list", "SELECT name FROM sqlite_master", "DELETE FROM t WHERE rowid % 7 = 0",
        "CREATE TABLE IF NOT EXISTS u(id INTEGER PRIMARY KEY, v TEXT) ; INSERT INTO u(v) VALUES ('x')",
    ];

    /// <summary>The next request.</summary>
    public FuzzRequest Next() => random.Next(100) switch
    {
        < 45 => Rest(),
        < 60 => Binding(),
        < 70 => Management(),
        < 77 => Graphql(),
        < 82 => Transfer(),
        _ => RawRequest(),
    };

    FuzzRequest Rest()
    {
        var database = Database();
        var suffix = Pick("/query", "/raw", "/query", "/raw", "", "/export", "/import", "/fork", "/time_travel/bookmark",
            "/time_travel/restore", "/query/extra", "/%00");
        var method = suffix is "/query" or "/raw" or "/export" or "/import" or "/fork" or "/time_travel/restore" && random.Next(4) > 0
            ? "POST" : Pick(Methods);
        // The known databases must answer at the end: DELETE goes only to names the fuzzer made up.
        if (method == "DELETE" && suffix == "") database = random.Next(2) == 0 ? Junk() : "fz-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
        var path = $"/client/v4/accounts/{Account()}/d1/database/{database}{suffix}{QueryString()}";
        var (auth, other) = Token();
        var body = suffix switch
        {
            "/query" or "/raw" => QueryBody(),
            "/export" => ObjectBody(("output_format", Value("polling")), ("current_bookmark", Value(null)), ("dump_options", Value(null))),
            "/import" => ObjectBody(("action", Value("init")), ("etag", Value("0123456789abcdef0123456789abcdef")), ("filename", Value(null)),
                ("current_bookmark", Value(null))),
            "/fork" => ObjectBody(("name", Value(Name())), ("bookmark", Value(null)), ("timestamp", Value(null))),
            _ => random.Next(3) == 0 ? AnyBody() : null,
        };
        return new FuzzRequest(method, path, auth, body, ReplyShape.Envelope, other);
    }

    FuzzRequest Binding()
    {
        var path = Pick("/query", "/execute", "/query", "/execute", "/dump", "/nope") + Pick("", "", "?resultsFormat=ROWS_AND_COLUMNS",
            "?resultsFormat=NONE", "?resultsFormat=%ff", "?resultsFormat=ARRAY_OF_OBJECTS&resultsFormat=x");
        var (auth, other) = Token();
        var headers = new List<(string, string)>(auth);
        if (random.Next(10) > 0) headers.Add(("x-atoll-database", random.Next(8) == 0 ? Junk() : Database()));
        if (random.Next(10) > 0) headers.Add(("x-atoll-account", random.Next(8) == 0 ? Junk() : Account()));
        if (random.Next(4) == 0) headers.Add(("x-cf-d1-session-commit-token", Pick("first-primary", "first-unconstrained", Junk())));
        var body = random.Next(5) == 0 ? AnyBody() : random.Next(2) == 0 ? QueryBody() : BindingBody();
        var shape = path.StartsWith("/dump", StringComparison.Ordinal) ? ReplyShape.FileOrBinding : ReplyShape.Binding;
        return new FuzzRequest(random.Next(10) == 0 ? Pick(Methods) : "POST", path, headers, body, shape, other);
    }

    FuzzRequest Management()
    {
        var (auth, other) = Token();
        var account = Account();
        var (method, path, body) = random.Next(9) switch
        {
            0 => ("POST", $"/client/v4/accounts/{account}/d1/database", ObjectBody(("name", Value(Name())),
                ("primary_location_hint", Value(Pick("weur", "WEUR", "mars"))), ("jurisdiction", Value(Pick("eu", "moon"))),
                ("read_replication", Value(null)))),
            1 => ("GET", $"/client/v4/accounts/{account}/d1/database{QueryString()}", null),
            2 => (Pick("PUT", "PATCH"), $"/client/v4/accounts/{account}/d1/database/{Database()}",
                ObjectBody(("read_replication", random.Next(3) == 0 ? Value(null) : Encoding.UTF8.GetBytes($"{{\"mode\":{Json(Value("auto"))}}}")))),
            3 => ("POST", $"/client/v4/accounts/{account}/tokens", ObjectBody(("name", Value("t")), ("permission", Value(Pick("read", "edit"))),
                ("databases", Value(null)))),
            4 => (Pick("GET", "DELETE"), $"/client/v4/accounts/{account}/tokens{Pick("", "/" + Junk(), "/")}", null),
            5 => (Pick("GET", "POST"), "/client/v4/accounts", ObjectBody(("name", Value("acct")))),
            6 => ("GET", Pick("/client/v4/memberships", "/client/v4/user", "/client/v4/user/tokens/verify"), null),
            7 => (Pick(Methods), $"/client/v4/{Junk()}", random.Next(2) == 0 ? AnyBody() : null),
            _ => ("GET", "/healthz" + QueryString(), null),
        };
        var shape = path.StartsWith("/healthz", StringComparison.Ordinal) ? ReplyShape.Json : ReplyShape.Envelope;
        return new FuzzRequest(method, path, auth, random.Next(4) == 0 ? AnyBody() : body, shape, other);
    }

    FuzzRequest Graphql()
    {
        var (auth, other) = Token();
        var query = Pick("{ viewer { accounts { d1AnalyticsAdaptiveGroups(limit: 10) { sum { readQueries } } } } }",
            "query { viewer { accounts { d1QueriesAdaptiveGroups(limit: 5, orderBy: [count_DESC]) { count } } } }",
            "{ viewer { accounts { d1QueriesAdaptiveGroups(limit: 99999999999999, orderBy: [nope]) { count } } } }", "{ __schema { types { name } } }", "");
        var variables = Encoding.UTF8.GetBytes($"{{\"accountTag\":{Json(Value(Account()))},\"filter\":{Json(Value(null))}}}");
        var body = random.Next(5) == 0 ? AnyBody() : ObjectBody(("query", Value(query)), ("variables", random.Next(3) == 0 ? Value(null) : variables));
        return new FuzzRequest(random.Next(10) == 0 ? Pick(Methods) : "POST", "/client/v4/graphql", auth, body, ReplyShape.Graphql, other);
    }

    FuzzRequest Transfer()
    {
        var uuid = random.Next(2) == 0 ? tenants.Databases[random.Next(tenants.Databases.Count)].Uuid : Junk();
        var path = Pick("/atoll/transfers/uploads/", "/atoll/transfers/exports/", "/atoll/transfers/", "/atoll/")
            + uuid + "/" + Pick("0123456789abcdef0123456789abcdef.sql", "x.sql", "..%2f..%2fcatalog.db", "", Junk())
            + Pick("", "?expires=1&signature=00", "?expires=99999999999&signature=" + new string('a', 64), "?expires=-1", "?signature=%ff");
        return new FuzzRequest(Pick("PUT", "GET", Pick(Methods)), path, [], random.Next(2) == 0 ? AnyBody() : null, ReplyShape.FileOrEnvelope, false);
    }

    FuzzRequest RawRequest()
    {
        var database = tenants.Databases[random.Next(tenants.Databases.Count)].Uuid;
        var target = Pick($"/client/v4/accounts/{tenants.AccountId}/d1/database/{database}/query", "/query", "/client/v4/accounts", "/healthz",
            $"/client/v4/accounts/{tenants.AccountId}/d1/database");
        var headers = $"Host: localhost\r\nConnection: close\r\nAuthorization: Bearer {tenants.TenantToken}\r\nx-atoll-database: {database}\r\n"
            + $"x-atoll-account: {tenants.AccountId}\r\n";
        var body = QueryBody();
        byte[] raw = random.Next(12) switch
        {
            0 => Ascii($"{Pick("GET", "POST", "G\0T", "", "P O S T")} {Pick(target, "", "*", "http://x/" + target, "/%", "/\x7f")} {Pick("HTTP/1.1", "HTTP/9.9", "HTTP/1", "", "HTTP/1.1 extra")}\r\n{headers}\r\n"),
            1 => Ascii($"POST {target} HTTP/1.1\r\n{headers}{Pick("NoColon", ": empty-name", "X: a\rb", "Content-Length: 1\r\nContent-Length: 2", "X-" + new string('a', 20_000) + ": 1", "Transfer-Encoding: gzip")}\r\n\r\n{{}}"),
            2 => Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: {Pick("-1", "99999999999999999999", "1e3", " 2", "0x10", "999999999999", "2, 2")}\r\n\r\n{{}}"),
            3 => [.. Ascii($"POST {target} HTTP/1.1\r\n{headers}Transfer-Encoding: chunked\r\n\r\n"), .. Ascii(Chunked(body))],
            4 => [.. Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body],
            5 => [.. Bytes(random.Next(1, 200)), .. "\r\n\r\n"u8],   // ends the header section: the server must answer, not wait
            6 => Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            7 => Ascii($"POST {target} HTTP/1.1\r\n{headers}Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{{}}"),
            8 => Ascii($"GET {target}?{new string('a', random.Next(1, 20_000))} HTTP/1.1\r\n{headers}\r\n"),
            9 => [.. Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body,
                .. Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body],
            10 => Ascii($"POST {target} HTTP/1.0\r\n{headers}\r\n{{\"sql\":\"SELECT 1\"}}"),
            _ => [.. Ascii($"POST {target} HTTP/1.1\r\n{headers}Content-Length: {body.Length}\r\nContent-Type: {Pick("text/plain", "application/json; charset=latin1", "\u00ff")}\r\n\r\n"), .. body],
        };
        return new FuzzRequest("RAW", target, [], null, ReplyShape.Protocol, false, raw);
    }

    string Chunked(byte[] body) => random.Next(5) switch
    {
        0 => $"fffffffffff\r\n{Encoding.Latin1.GetString(body)}\r\n0\r\n\r\n",
        1 => $"{body.Length:x};ext=1\r\n{Encoding.Latin1.GetString(body)}\r\n0\r\n\r\n",
        2 => $"{Math.Max(0, body.Length - 1):x}\r\n{Encoding.Latin1.GetString(body)}\r\n0\r\n\r\n",
        3 => $"-1\r\n\r\n",
        _ => $"{body.Length:x}\r\n{Encoding.Latin1.GetString(body)}\r\n0\r\n\r\n",
    };

    /// <summary>The credentials, and whether they may legitimately read the other tenant's data (its own token, the admin's).</summary>
    (IReadOnlyList<(string, string)> Headers, bool MayReadOther) Token() => random.Next(14) switch
    {
        0 => ([], false),
        1 => ([("Authorization", "Bearer " + Junk())], false),
        2 => ([("Authorization", Pick("Basic eDp5", "Bearer", "bearer  " + tenants.TenantToken, tenants.TenantToken))], false),
        3 => ([("Authorization", "Bearer " + tenants.ReadToken)], false),
        4 => ([("Authorization", "Bearer " + tenants.ScopedToken)], false),
        5 => ([("Authorization", "Bearer " + tenants.OtherToken)], true),
        6 => ([("X-Auth-Key", tenants.AdminToken)], true),
        7 => ([("Authorization", "Bearer " + tenants.AdminToken)], true),
        _ => ([("Authorization", "Bearer " + tenants.TenantToken)], false),
    };

    string Account() => random.Next(10) switch
    {
        0 => tenants.OtherAccountId,
        1 => Junk(),
        2 => SeededGuid().ToString("N"),
        _ => tenants.AccountId,
    };

    string Database()
    {
        var known = tenants.Databases[random.Next(tenants.Databases.Count)];
        return random.Next(10) switch
        {
            0 => tenants.OtherDatabase,
            1 => Junk(),
            2 => SeededGuid().ToString(),
            3 or 4 => known.Name,
            _ => known.Uuid,
        };
    }

    string Name() => random.Next(6) switch
    {
        0 => "", 1 => "a/b", 2 => new string('n', random.Next(200, 6000)), 3 => tenants.Databases[0].Uuid,
        4 => "fz-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture), _ => Junk(),
    };

    string QueryString() => random.Next(4) != 0 ? "" : "?" + Pick("timestamp=" + Junk(), "timestamp=1", "timestamp=99999999999999999999",
        "bookmark=" + Junk(), "bookmark=00000000-00000000-00000000-00000000000000000000000000000000", "page=0", "page=99999999999",
        "per_page=-5", "name=%00", "fields=uuid,name,nope", "fields=", "timestamp=2026-01-01T00:00:00Z&bookmark=x");

    /// <summary>A URL-safe junk segment: what a path or header can carry.</summary>
    string Junk() => Pick("x", "%00", "%ff%fe", "..", "%2e%2e%2f", "null", "undefined", "' OR 1=1 --", "%c0%af", "12345678901234567890",
        new string('z', random.Next(1, 3000)), "a%20b", "%F0%9F%98%80", "-");

    /// <summary>A query body: usually well formed with random SQL, sometimes a batch, sometimes broken.</summary>
    byte[] QueryBody() => random.Next(10) switch
    {
        < 5 => Encoding.UTF8.GetBytes($"{{\"sql\":{Json(Value(Sql()))},\"params\":{Params()}}}"),
        5 or 6 => Encoding.UTF8.GetBytes($"{{\"batch\":[{string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"{{\"sql\":{Json(Value(Sql()))},\"params\":{Params()}}}"))}]}}"),
        7 => ObjectBody(("sql", Value(Sql())), ("params", Value(null))),
        _ => AnyBody(),
    };

    /// <summary>The binding's body: an array of statements, numbers bound as REAL.</summary>
    byte[] BindingBody() => Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Range(0, random.Next(1, 4))
        .Select(_ => $"{{\"sql\":{Json(Value(Sql()))},\"params\":{Params()}}}")) + "]");

    string Sql()
    {
        if (random.Next(3) == 0) return Pick(ValidSql);
        var builder = new StringBuilder();
        for (var i = random.Next(1, 12); i > 0; i--) builder.Append(Pick(SqlFragments)).Append(' ');
        if (random.Next(20) == 0) builder.Insert(random.Next(builder.Length), '\0');
        return builder.ToString();
    }

    string Params() => random.Next(6) switch
    {
        0 => "[]",
        1 => Pick("{}", "\"x\"", "1", "null", "[[]]", "[{}]", "[[256]]", "[[-1]]", "[[1.5]]"),
        _ => "[" + string.Join(',', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick("1", "-0", "1.5", "1e999", "-1e999",
            "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809", "0.000000000000000000000000001", "true",
            "null", "\"text\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "[1,2,3]", "[]", "{\"a\":1}"))) + "]",
    };

    /// <summary>A JSON object from the given fields, each sometimes dropped, retyped or corrupted.</summary>
    byte[] ObjectBody(params (string Name, byte[]? Value)[] fields)
    {
        var parts = new List<byte[]>();
        foreach (var (name, value) in fields)
        {
            if (value is null || random.Next(5) == 0) continue;
            parts.Add([.. Encoding.UTF8.GetBytes(Json(name) + ":"), .. random.Next(6) == 0 ? WrongType() : value]);
        }
        if (random.Next(8) == 0) parts.Add(Encoding.UTF8.GetBytes($"\"extra\":{Encoding.UTF8.GetString(WrongType())}"));
        var body = new List<byte>("{"u8.ToArray());
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) body.Add((byte)',');
            body.AddRange(parts[i]);
        }
        body.Add((byte)'}');
        return Corrupt([.. body]);
    }

    /// <summary>A JSON value as UTF-8 bytes: the string given, or null (absent).</summary>
    byte[]? Value(string? text) => text is null ? (random.Next(2) == 0 ? null : WrongType()) : Encoding.UTF8.GetBytes(Json(text));

    /// <summary>A value of some other type, or a string a parser must refuse (a lone surrogate, a NUL).</summary>
    byte[] WrongType()
        => Encoding.UTF8.GetBytes(Pick("1", "-1", "1e999", "123456789012345678901234567890", "true", "null", "[]", "{}",
            "[\"a\"]", "{\"mode\":1}", "\"\\ud800\"", "\"\\u0000\"", "\"\"", Deep(random.Next(10, 3000))));

    /// <summary>Any body at all: deep nesting, huge numbers, invalid UTF-8, truncations, or bytes.</summary>
    byte[] AnyBody() => random.Next(8) switch
    {
        0 => Encoding.UTF8.GetBytes(Deep(random.Next(10, 100_000))),
        1 => Bytes(random.Next(0, 500)),
        2 => [.. "{\"sql\":\"SELECT '"u8, .. Bytes(random.Next(1, 8)), .. "'\"}"u8],
        3 => Encoding.UTF8.GetBytes("{\"sql\":" + new string('9', random.Next(1, 5000)) + "}"),
        4 => Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', random.Next(1, 200_000)) + "\"}"),
        5 => ""u8.ToArray(),
        6 => Encoding.UTF8.GetBytes(Pick("null", "[]", "\"\"", "0", "{", "}", "{\"a\":1,}", "{'a':1}", "{\"a\":1}{}", "\ufeff{}", "/*c*/{}")),
        _ => Corrupt(Encoding.UTF8.GetBytes("{\"sql\":\"SELECT 1\",\"params\":[1,\"a\"]}")),
    };

    byte[] Corrupt(byte[] body)
    {
        if (body.Length == 0 || random.Next(6) != 0) return body;
        var copy = body.ToArray();
        switch (random.Next(3))
        {
            case 0: return copy[..random.Next(copy.Length)];
            case 1: copy[random.Next(copy.Length)] = (byte)random.Next(256); return copy;
            default: return [.. copy[..(copy.Length / 2)], 0xC3, 0x28, .. copy[(copy.Length / 2)..]];
        }
    }

    Guid SeededGuid() => new(Bytes(16));

    static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    static string Json(byte[]? value) => value is null ? "null" : Encoding.UTF8.GetString(value);

    string Pick(params string[] options) => options[random.Next(options.Length)];
}
