using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atoll.Server.Catalog;

/// <summary>
/// What the SQLite and the PostgreSQL catalogs share: the same three tables and columns, the statements that write and
/// read them (plain SQL with <c>@name</c> parameters, which both dialects take), how rows become records, and how new
/// accounts, tokens and databases are minted.
/// </summary>
internal static class CatalogRows
{
    /// <summary>
    /// The three tables, in DDL both SQLite and PostgreSQL accept (BIGINT is SQLite's INTEGER affinity, so catalog.db files
    /// made before, with INTEGER, are the same format).
    /// </summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS databases(
            uuid TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, created_at TEXT NOT NULL,
            read_replication TEXT NOT NULL DEFAULT 'disabled', location_hint TEXT, jurisdiction TEXT,
            num_tables INTEGER NOT NULL DEFAULT 0, file_size BIGINT NOT NULL DEFAULT 0, UNIQUE(account_id, name));
        CREATE TABLE IF NOT EXISTS tokens(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
            permission TEXT NOT NULL, databases TEXT, is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
        """;

    public const string SelectAccounts = "SELECT id, name, created_at FROM accounts";

    public const string SelectDatabases = """
        SELECT uuid, account_id, name, created_at, read_replication, location_hint, jurisdiction, num_tables, file_size FROM databases
        """;

    public const string SelectTokens = "SELECT id, account_id, name, hash, permission, databases, is_admin, created_at FROM tokens";

    public const string UpdateReadReplication = "UPDATE databases SET read_replication = @mode WHERE uuid = @uuid";

    public const string UpdateStats = "UPDATE databases SET num_tables = @n, file_size = @size WHERE uuid = @uuid";

    public const string DeleteDatabase = "DELETE FROM databases WHERE uuid = @uuid";

    public const string DeleteToken = "DELETE FROM tokens WHERE id = @id";

    /// <summary>Tokens are 40 URL-safe characters, like Cloudflare's.</summary>
    public static string NewSecret() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", 40);

    /// <summary>What the catalog stores of a token's value.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static Account NewAccount(string name) => new(RandomNumberGenerator.GetHexString(32, lowercase: true), name, DateTimeOffset.UtcNow);

    public static ApiToken NewToken(string accountId, string name, string value, TokenPermission permission, IReadOnlyList<string>? databases,
        bool isAdmin)
        => new(RandomNumberGenerator.GetHexString(32, lowercase: true), accountId, name, Hash(value), permission, databases, isAdmin,
            DateTimeOffset.UtcNow);

    public static DatabaseRecord NewDatabase(string accountId, string validName, DatabasePlacement placement)
        => new(Guid.NewGuid().ToString(), accountId, validName, DateTimeOffset.UtcNow, placement.ReadReplication, placement.LocationHint,
            placement.Jurisdiction, 0, 0);

    /// <summary>Makes <paramref name="command"/> insert <paramref name="account"/>.</summary>
    public static DbCommand Insert(DbCommand command, Account account)
        => Bind(command, "INSERT INTO accounts(id, name, created_at) VALUES (@id, @name, @at)",
            ("@id", account.Id), ("@name", account.Name), ("@at", Timestamp(account.CreatedAt)));

    /// <summary>Makes <paramref name="command"/> insert <paramref name="record"/> (with no figures yet).</summary>
    public static DbCommand Insert(DbCommand command, DatabaseRecord record)
        => Bind(command, """
            INSERT INTO databases(uuid, account_id, name, created_at, read_replication, location_hint, jurisdiction)
            VALUES (@uuid, @account, @name, @at, @replication, @hint, @jurisdiction)
            """, ("@uuid", record.Uuid), ("@account", record.AccountId), ("@name", record.Name), ("@at", Timestamp(record.CreatedAt)),
            ("@replication", record.ReadReplication), ("@hint", record.LocationHint), ("@jurisdiction", record.Jurisdiction));

    /// <summary>Makes <paramref name="command"/> insert <paramref name="token"/>.</summary>
    public static DbCommand Insert(DbCommand command, ApiToken token)
        => Bind(command, """
            INSERT INTO tokens(id, account_id, name, hash, permission, databases, is_admin, created_at)
            VALUES (@id, @account, @name, @hash, @permission, @databases, @admin, @at)
            """, ("@id", token.Id), ("@account", token.AccountId), ("@name", token.Name), ("@hash", token.Hash),
            ("@permission", token.Permission.ToString().ToLowerInvariant()),
            ("@databases", token.Databases is null ? null : JsonSerializer.Serialize(token.Databases, CatalogJson.Default.IReadOnlyListString)),
            ("@admin", token.IsAdmin ? 1 : 0), ("@at", Timestamp(token.CreatedAt)));

    /// <summary>Sets <paramref name="command"/>'s text and parameters (null becomes SQL NULL).</summary>
    public static DbCommand Bind(DbCommand command, string sql, params (string Name, object? Value)[] parameters)
    {
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A row of <see cref="SelectAccounts"/>.</summary>
    public static Account ReadAccount(DbDataReader reader)
        => new(reader.GetString(0), reader.GetString(1), ParseTimestamp(reader.GetString(2)));

    /// <summary>A row of <see cref="SelectDatabases"/>.</summary>
    public static DatabaseRecord ReadDatabase(DbDataReader reader)
        // The few mode/hint/jurisdiction values are interned: a catalog of 100,000 records keeps one copy of each.
        => new(reader.GetString(0), reader.GetString(1), reader.GetString(2), ParseTimestamp(reader.GetString(3)), string.Intern(reader.GetString(4)),
            reader.IsDBNull(5) ? null : string.Intern(reader.GetString(5)), reader.IsDBNull(6) ? null : string.Intern(reader.GetString(6)),
            Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture));

    /// <summary>A row of <see cref="SelectTokens"/>.</summary>
    public static ApiToken ReadToken(DbDataReader reader)
    {
        var databases = reader.IsDBNull(5) ? null : JsonSerializer.Deserialize(reader.GetString(5), CatalogJson.Default.IReadOnlyListString);
        return new ApiToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            Enum.Parse<TokenPermission>(reader.GetString(4), ignoreCase: true), databases,
            Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture) != 0, ParseTimestamp(reader.GetString(7)));
    }

    // Round-trip text, as catalog.db always stored it.
    static string Timestamp(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
