using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Hosting;
using Atoll.Server.Observability;
using Atoll.Server.Replication;
using Atoll.Server.TimeTravel;
using Atoll.Server.Transfers;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Grains;

/// <summary>
/// Owns one database file while active: opens it on activation, closes it when idle. Queries run off the activation's
/// turn: reads in parallel on the reader connections (up to their count), writes one at a time; both pass the database's
/// <see cref="QueryQueue"/>, which sheds what it cannot take in time with D1's overloaded error.
/// </summary>
/// <remarks>
/// Not [Reentrant]: only <see cref="IDatabaseGrain.Query"/> and the file operations interleave, and every write goes
/// through the queue's write slot, which (with the engine's own gate) keeps this the single writer of the file. The
/// caller's cancellation (a client that disconnects) reaches SQLite's progress handler and interrupts the statement.
/// </remarks>
[RegionPlacement]
public sealed class DatabaseGrain(DatabaseFiles files, ICatalog catalog, IOptions<Atoll.Engine.EngineOptions> engineOptions,
    ILogger<DatabaseGrain> logger, QueryStats queryStats, ChangeLogSettings changeLogs, IOptions<TimeTravelOptions> timeTravel,
    TimeProvider clock, OpenDatabases openDatabases, IOptions<AtollServerOptions> serverOptions, QueryActivity activity,
    QueryTelemetry telemetry, IOptions<ReplicationOptions> replication, DatabaseGrains grains, DrainingNodes draining,
    NodeFiles nodeFiles) : Grain, IDatabaseGrain
{
    readonly QueryQueue _queue = new(engineOptions.Value.ReaderCount, serverOptions.Value.MaxQueuedRequests, serverOptions.Value.MaxQueueWait, activity);
    readonly RestoreRateLimit _restores = new(timeTravel.Value.RestoresPerWindow, timeTravel.Value.RestoreWindow, clock);
    Database? _database;
    ActiveDatabase? _active; // the query path, published for direct reads while the database is open
    bool _deleted;
    long _durable = -1; // the newest commit acknowledged as durable: replicas never go beyond it
    IReplicaGrain[] _replicas = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (draining.StepsAside)
        {
            draining.SteppedAside();
            // This node is leaving: the requests waiting for this activation are forwarded to the next owner, unrun.
            DeactivateOnIdle();
            return;
        }
        var uuid = this.GetPrimaryKeyString();
        // A request that found the database just before it was deleted (or on a node whose catalog mirror has not heard of
        // the delete yet) must not bring back an empty file under its name: without its row in the catalog's store this
        // activation opens nothing and answers Not Found until it is collected as idle (not deactivated at once: Orleans
        // would forward the waiting requests to the next activation, which would do the same).
        if (await catalog.ReadDatabaseByUuidAsync(uuid, cancellationToken) is not { } record)
        {
            logger.LogDebug("Database {Uuid} is not in the catalog: nothing opened", uuid);
            return;
        }
        files.DropStaleCopy(uuid);
        await changeLogs.SettleAsync(uuid, cancellationToken);
        // Rebuilds the file from its change log (local, else the object store) when it is missing or behind.
        _database = await Database.OpenAsync(files.File(uuid), engineOptions.Value, changeLogs.For(uuid), cancellationToken);
        changeLogs.Opened(uuid);
        openDatabases.Touch(uuid);
        var database = _database;
        _active = new ActiveDatabase(uuid, database, _queue, (bookmark, token) => Durable(database, bookmark, token),
            GrainCallEvery(serverOptions.Value.IdleTimeout), activity, queryStats, telemetry, openDatabases);
        logger.LogDebug("Opened database {Uuid}", uuid);
        if (_database.HasChangeLog)
        {
            // What the file holds is in the local log (synced here); not waiting for the object store, which may be down:
            // an open must not fail on it, and a commit synced locally is shipped later, never lost.
            await _database.SyncLogAsync(_database.CurrentBookmark);
            _durable = _database.CurrentBookmark.Sequence;
            if (record.ReadReplication == "auto") await SetReplication(true);
        }
        grains.Active.Publish(uuid, _active);
    }

    /// <summary>
    /// How often a direct read sends one request through the grain instead: often enough that a database read only
    /// directly is never collected as idle (a quarter of the idle timeout), and rarely enough to cost nothing.
    /// </summary>
    static TimeSpan GrainCallEvery(TimeSpan idleTimeout) => idleTimeout / 4;

    /// <summary>
    /// The engine's durability policy (with <c>WaitForUpload</c>: once the log entry is in the object store); then the
    /// commit may be shown to replicas, which are woken to fetch it.
    /// </summary>
    async Task Durable(Database database, Bookmark bookmark, CancellationToken cancellationToken)
    {
        await database.AcknowledgeAsync(bookmark, cancellationToken);
        if (bookmark.Sequence <= _durable) return;
        _durable = bookmark.Sequence;
        foreach (var replica in _replicas) _ = replica.Wake(bookmark.Sequence);
    }

    IReplicaGrain[] ReplicaGrains()
        => [.. replication.Value.ReplicaRegions(engineOptions.Value.Region).Select(r => GrainFactory.GetGrain<IReplicaGrain>($"{this.GetPrimaryKeyString()}/{r}"))];

    public Task SetReplication(bool enabled)
    {
        _replicas = enabled && _database is { HasChangeLog: true } ? ReplicaGrains() : [];
        foreach (var replica in _replicas) _ = replica.Wake(_durable);
        return Task.CompletedTask;
    }

    public Task<LogBatch> ReadLog(long after, int maxEntries)
    {
        var database = Open();
        var durable = _durable;
        if (durable <= after) return Task.FromResult(new LogBatch(durable, [], null));
        var entries = maxEntries > 0 ? database.ReadLogEntries(after, durable, maxEntries) : [];
        return Task.FromResult(new LogBatch(durable, entries, database.LoggedCommitTime(after + 1)?.ToUnixTimeMilliseconds()));
    }

    public async Task<long> SeedReplica(string region, CancellationToken cancellationToken)
    {
        var database = Open();
        var at = new Bookmark(_durable);
        var path = SeedPath(region);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path); // a seed a replica stopped reading
        await database.CopyAsync(at, path, cancellationToken); // an idle database's state is current, however old its last commit
        return at.Sequence;
    }

    public async Task<byte[]> ReadSeed(string region, long offset, int max)
    {
        var path = SeedPath(region);
        var part = await FileParts.ReadAsync(path, offset, max);
        if (part.Length < Math.Min(max, FileParts.Size)) File.Delete(path);
        return part;
    }

    // Seeds are copied here, in the primary's own files, and sent in parts: the replica may be on another machine.
    string SeedPath(string region) => Path.Combine(files.Folder(this.GetPrimaryKeyString()), "seeds", $"{region}.sqlite");

    public async Task<TimeTravelReply> BookmarkAt(DateTimeOffset? timestamp)
    {
        var database = Open();
        try
        {
            return new TimeTravelReply((timestamp is { } at ? database.BookmarkAt(at) : database.CurrentBookmark).ToString(), null, null, null);
        }
        catch (D1Exception ex)
        {
            return await Task.FromResult(TimeTravelReply.Failure(ex));
        }
    }

    public async Task<TimeTravelReply> Restore(string bookmark, CancellationToken cancellationToken)
    {
        var database = Open();
        try
        {
            var target = ParseBookmark(bookmark);
            database.CommitTimeOf(target); // unknown or expired: fail before counting against the limit
            if (!_restores.TryTake())
                throw new D1Exception(D1ErrorCode.Overloaded,
                    $"Too many restores: at most {timeTravel.Value.RestoresPerWindow} per {timeTravel.Value.RestoreWindow.TotalMinutes:0} minutes for a database.");
            await _queue.WriteGate.WaitAsync(cancellationToken);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (restored, previous) = await database.RestoreAsync(target, cancellationToken);
                await Durable(database, restored, cancellationToken);
                telemetry.Operation("restore", this.GetPrimaryKeyString(), started, null);
                return new TimeTravelReply(restored.ToString(), previous.ToString(), null, null);
            }
            finally
            {
                _queue.WriteGate.Release();
            }
        }
        catch (D1Exception ex)
        {
            return TimeTravelReply.Failure(ex);
        }
    }

    public async Task<TimeTravelReply> Fork(string bookmark, string uuid, CancellationToken cancellationToken)
    {
        var database = Open();
        try
        {
            var at = ParseBookmark(bookmark);
            var started = Stopwatch.GetTimestamp();
            await database.ForkAsync(at, files.File(uuid), cancellationToken);
            if (files.CacheOnly) await PublishAsync(uuid, cancellationToken);
            telemetry.Operation("fork", this.GetPrimaryKeyString(), started, null);
            return new TimeTravelReply(at.ToString(), null, null, null);
        }
        catch (D1Exception ex)
        {
            return TimeTravelReply.Failure(ex);
        }
    }

    /// <summary>
    /// In a cluster a new database opens on any node, from the shared store alone (a local file counts for nothing there):
    /// the fork's file is opened here once, so its history starts — a baseline of the file, uploaded before this returns —
    /// and this node's copy is dropped.
    /// </summary>
    async Task PublishAsync(string uuid, CancellationToken cancellationToken)
    {
        try
        {
            await using var fork = await Database.OpenAsync(files.File(uuid), engineOptions.Value, changeLogs.For(uuid), cancellationToken);
            await fork.AcknowledgeAsync(fork.CurrentBookmark, cancellationToken);
        }
        finally
        {
            Directory.Delete(files.Folder(uuid), recursive: true);
        }
    }

    static Bookmark ParseBookmark(string text)
        => Bookmark.TryParse(text, out var bookmark) ? bookmark
            : throw new D1Exception(D1ErrorCode.BadRequest, $"'{text}' is not a bookmark: expected XXXXXXXX-XXXXXXXX-XXXXXXXX-<32 hex>, lowercase.");

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_database is { } database && !_deleted)
        {
            try
            {
                await catalog.UpdateStatsAsync(this.GetPrimaryKeyString(), database.Stats(), cancellationToken);
            }
            catch (D1Exception ex)
            {
                logger.LogWarning(ex, "Could not measure database {Uuid} before closing it", this.GetPrimaryKeyString());
            }
        }
        Withdraw();
        if (_database is not null)
        {
            await _queue.DrainAsync(); // reads run off the turn (or directly): let them finish before their connections close
            await _database.DisposeAsync();
        }
        _database = null;
        _active = null;
        openDatabases.Closed(this.GetPrimaryKeyString());
        NativeHeap.TrimSoon(TimeSpan.FromSeconds(2));
    }

    public Task Close()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<DatabaseReply> Query(QueryRequest request, CancellationToken cancellationToken)
    {
        var reply = await (_active ?? throw new D1Exception(D1ErrorCode.NotFound, "Not Found")).QueryAsync(request, cancellationToken);
        // Another owner published first: this activation steps down, and the next one rebuilds from the store.
        if (!reply.Success && _database?.Fenced is not null) DeactivateOnIdle();
        return reply;
    }

    /// <summary>Direct reads stop finding this database (those already in flight hold reader slots, which drain waits for).</summary>
    void Withdraw()
    {
        if (_active is { } active) grains.Active.Withdraw(this.GetPrimaryKeyString(), active);
    }

    public async Task<ImportReply> Import(NodeFile source, CancellationToken cancellationToken)
    {
        var database = Open();
        var path = nodeFiles.LocalPath(source);
        var copied = path is null;
        try
        {
            if (path is null)
            {
                // An upload on another node is copied here first: the write gate is held only while the file runs.
                (_, path) = nodeFiles.NewStaged("sql");
                await using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
                await nodeFiles.CopyAsync(source, copy, cancellationToken);
            }
            await _queue.WriteGate.WaitAsync(cancellationToken);
            var started = Stopwatch.GetTimestamp();
            try
            {
                // Off the activation's turn, as writes run: queries keep interleaving while the file streams in.
                var result = await Task.Run(() =>
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                    return database.Import(file, cancellationToken);
                }, cancellationToken);
                if (result.Success) await Durable(database, result.Bookmark, cancellationToken);
                if (result.Success) queryStats.RecordImport(this.GetPrimaryKeyString(), result.NumQueries, result.Totals);
                telemetry.Operation("import", this.GetPrimaryKeyString(), started, result.Error?.Message);
                return ImportReply.From(result);
            }
            finally
            {
                _queue.WriteGate.Release();
            }
        }
        finally
        {
            if (copied && path is not null) File.Delete(path);
        }
    }

    public async Task<ExportReply> Export(DumpOptions options, CancellationToken cancellationToken)
    {
        var database = Open();
        var started = Stopwatch.GetTimestamp();
        var (staged, path) = nodeFiles.NewStaged("sql");
        var kept = false;
        try
        {
            var result = await Task.Run(() =>
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                return database.Dump(file, options, cancellationToken);
            }, cancellationToken);
            telemetry.Operation("export", this.GetPrimaryKeyString(), started, null);
            kept = true;
            return new ExportReply(result.Bookmark.ToString(), result.Statements, result.Bytes, null, staged);
        }
        catch (D1Exception ex)
        {
            telemetry.Operation("export", this.GetPrimaryKeyString(), started, ex.Message);
            return new ExportReply(database.CurrentBookmark.ToString(), 0, 0, ex.Message, null);
        }
        finally
        {
            if (!kept) File.Delete(path);
        }
    }

    public Task<TimelineReply> Timeline()
    {
        try
        {
            return Task.FromResult(new TimelineReply(Open().Timeline(), null, null));
        }
        catch (D1Exception ex)
        {
            return Task.FromResult(new TimelineReply(null, ex.Code, ex.Message));
        }
    }

    public Task<string> GetBookmark() => Task.FromResult(Open().CurrentBookmark.ToString());

    public async Task<DatabaseStats> GetStats()
    {
        var stats = Open().Stats();
        await catalog.UpdateStatsAsync(this.GetPrimaryKeyString(), stats);
        return stats;
    }

    public async Task<NodeFile> Backup(CancellationToken cancellationToken)
    {
        var database = Open();
        var (staged, path) = nodeFiles.NewStaged("sqlite");
        try
        {
            // Off the activation's turn: copying a large file must not hold up the grain's other calls.
            await Task.Run(() => database.BackupTo(path, cancellationToken), cancellationToken);
            return staged;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public async Task Delete()
    {
        _replicas = [];
        foreach (var replica in ReplicaGrains()) await replica.Drop(); // before the files go: they read this database's log
        Withdraw();
        await _queue.DrainAsync(); // queries in flight finish first; none start after (the slots are kept)
        _deleted = true;
        if (_database is not null) await _database.DisposeAsync();
        _database = null;
        _active = null;
        var uuid = this.GetPrimaryKeyString();
        await Database.DeleteAsync(files.File(uuid), changeLogs.For(uuid));
        DeactivateOnIdle();
    }

    Database Open() => _database ?? throw new D1Exception(D1ErrorCode.NotFound, "Not Found");
}
