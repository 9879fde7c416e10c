using Atoll.Engine;

namespace Atoll.Client.Embedded;

/// <summary>
/// An embedded data directory: one folder per database, <c>&lt;dir&gt;/&lt;name&gt;/db.sqlite</c> plus <c>database.json</c>
/// (its uuid and creation time), so names, uuids and the admin API behave as they do on a server.
/// </summary>
internal sealed class EmbeddedStore(string dataDirectory, EngineOptions engine, ChangeLogOptions? changeLog = null)
{
    const string DatabaseFile = "db.sqlite";
    const string RecordFile = "database.json";
    static readonly Lock Gate = new();

    public string Root { get; } = Path.GetFullPath(dataDirectory);

    public EngineOptions Engine { get; } = engine;

    EmbeddedLease Acquire(string name)
        => EmbeddedDatabases.Acquire(Path.Combine(Root, name, DatabaseFile), Engine, changeLog?.WithObjectPrefix(name + "/"));

    /// <exception cref="D1Exception">The name is not valid (7400) or taken (7502).</exception>
    public EmbeddedRecord Create(string name)
    {
        if (!DatabaseName.IsValid(name)) throw EmbeddedErrors.BadName();
        lock (Gate)
        {
            var folder = Path.Combine(Root, name);
            if (File.Exists(Path.Combine(folder, RecordFile))) throw EmbeddedErrors.Duplicate();
            Directory.CreateDirectory(folder);
            var record = new EmbeddedRecord(Guid.NewGuid().ToString(), name, DateTimeOffset.UtcNow);
            using (Acquire(name)) { } // creates the file
            var temporary = Path.Combine(folder, RecordFile + ".tmp");
            File.WriteAllBytes(temporary, record.ToJson());
            File.Move(temporary, Path.Combine(folder, RecordFile), overwrite: true); // the record appears last: a half-made database is not listed
            return record;
        }
    }

    public IReadOnlyList<EmbeddedRecord> List()
    {
        if (!Directory.Exists(Root)) return [];
        return [.. Directory.EnumerateDirectories(Root)
            .Select(folder => EmbeddedRecord.Read(Path.Combine(folder, RecordFile)))
            .OfType<EmbeddedRecord>()
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Uuid, StringComparer.Ordinal)];
    }

    /// <summary>The database with this name or uuid, or null.</summary>
    public EmbeddedRecord? Find(string uuidOrName)
    {
        if (DatabaseName.IsValid(uuidOrName) && EmbeddedRecord.Read(Path.Combine(Root, uuidOrName, RecordFile)) is { } byName) return byName;
        return Guid.TryParse(uuidOrName, out _) ? List().FirstOrDefault(r => string.Equals(r.Uuid, uuidOrName, StringComparison.OrdinalIgnoreCase)) : null;
    }

    /// <summary>Closes and removes the database; false when there was none.</summary>
    public bool Delete(string uuidOrName)
    {
        lock (Gate)
        {
            if (Find(uuidOrName) is not { } record) return false;
            var folder = Path.Combine(Root, record.Name);
            EmbeddedDatabases.CloseForDelete(Path.Combine(folder, DatabaseFile));
            Directory.Delete(folder, recursive: true);
            return true;
        }
    }

    /// <summary>A share of the database's open file.</summary>
    /// <exception cref="D1Exception">There is no such database and <paramref name="createIfMissing"/> is false (7404).</exception>
    public EmbeddedLease Open(string uuidOrName, bool createIfMissing)
    {
        var record = Find(uuidOrName);
        if (record is null)
        {
            if (!createIfMissing) throw EmbeddedErrors.NotFound();
            try
            {
                record = Create(uuidOrName);
            }
            catch (D1Exception ex) when (ex.ApiCode == 7502 && Find(uuidOrName) is { } existing)
            {
                record = existing; // created concurrently by another client
            }
        }
        return Acquire(record.Name);
    }

    /// <summary>The record with the database's current table count and size.</summary>
    public D1DatabaseInfo Measure(EmbeddedRecord record)
    {
        using var lease = Acquire(record.Name);
        var stats = lease.Database.Stats();
        return new D1DatabaseInfo(record.Uuid, record.Name, record.CreatedAt, stats.NumTables, stats.FileSize);
    }
}
