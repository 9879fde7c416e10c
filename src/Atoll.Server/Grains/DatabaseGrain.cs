using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Atoll.Server.Catalog;
using Atoll.Server.Hosting;
using Atoll.Server.Observability;
using Atoll.Server.Protocol;
using Atoll.Server.TimeTravel;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Grains;

/// <summary>
/// Owns one database file while active: opens it on activation, closes it when idle. Reads run inline on
/// reader connections; writes queue behind an async gate and run off the activation's turn, so reads
/// interleave with a running write instead of waiting for it.
/// </summary>
/// <remarks>
/// Not [Reentrant]: only <see cref="IDatabaseGrain.Query"/> interleaves, and it funnels every write through
/// <see cref="_writeGate"/>, which (with the engine's own gate) keeps this the single writer of the file.
/// </remarks>
public sealed class DatabaseGrain(DatabaseFiles files, CatalogStore catalog, IOptions<Atoll.Engine.EngineOptions> engineOptions,
    ILogger<DatabaseGrain> logger, QueryStats queryStats, ChangeLogSettings changeLogs, IOptions<TimeTravelOptions> timeTravel,
    TimeProvider clock, OpenDatabases openDatabases, QueryTelemetry telemetry) : Grain, IDatabaseGrain
{
    readonly SemaphoreSlim _writeGate = new(1, 1);
    readonly RestoreRateLimit _restores = new(timeTravel.Value.RestoresPerWindow, timeTravel.Value.RestoreWindow, clock);
    Database? _database;
    bool _deleted;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var uuid = this.GetPrimaryKeyString();
        // Rebuilds the file from its change log (local, else the object store) when it is missing or behind.
        _database = await Database.OpenAsync(files.File(uuid), engineOptions.Value, changeLogs.For(uuid), cancellationToken);
        openDatabases.Touch(uuid);
        logger.LogDebug("Opened database {Uuid}", uuid);
    }

    /// <summary>With <c>WaitForUpload</c>, a write is answered only once its log entry is in the object store.</summary>
    Task Durable(Database database, Bookmark bookmark, CancellationToken cancellationToken)
        => changeLogs.WaitForUpload ? database.WaitForUploadAsync(bookmark, changeLogs.UploadTimeout, cancellationToken) : Task.CompletedTask;

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
            await _writeGate.WaitAsync(cancellationToken);
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
                _writeGate.Release();
            }
        }
        catch (D1Exception ex)
        {
            return TimeTravelReply.Failure(ex);
        }
    }

    public async Task<TimeTravelReply> Fork(string bookmark, string path, CancellationToken cancellationToken)
    {
        var database = Open();
        try
        {
            var at = ParseBookmark(bookmark);
            var started = Stopwatch.GetTimestamp();
            await database.ForkAsync(at, path, cancellationToken);
            telemetry.Operation("fork", this.GetPrimaryKeyString(), started, null);
            return new TimeTravelReply(at.ToString(), null, null, null);
        }
        catch (D1Exception ex)
        {
            return TimeTravelReply.Failure(ex);
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
                catalog.UpdateStats(this.GetPrimaryKeyString(), database.Stats());
            }
            catch (D1Exception ex)
            {
                logger.LogWarning(ex, "Could not measure database {Uuid} before closing it", this.GetPrimaryKeyString());
            }
        }
        if (_database is not null) await _database.DisposeAsync();
        _database = null;
        openDatabases.Closed(this.GetPrimaryKeyString());
        NativeHeap.TrimSoon(TimeSpan.FromSeconds(2));
    }

    public Task Close()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<DatabaseReply> Query(DatabaseCall call, CancellationToken cancellationToken)
    {
        var database = Open();
        openDatabases.Touch(this.GetPrimaryKeyString());
        IReadOnlyList<Statement> statements;
        bool isBatch;
        try
        {
            statements = QueryBodyParser.Parse(call.Body, call.Numbers, out isBatch);
            if (call.DropCommentOnly) statements = CommentOnlySql.Drop(statements);
        }
        catch (D1Exception ex)
        {
            return DatabaseReply.Failure(ex, database.CurrentBookmark.ToString());
        }
        var request = new QueryRequest(statements, call.Shape, call.Results) { ReadOnly = call.ReadOnly };
        using var activity = QueryTelemetry.StartQuery(this.GetPrimaryKeyString());
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = database.TryExecuteRead(request, cancellationToken);
            if (result is null)
            {
                await _writeGate.WaitAsync(cancellationToken);
                try
                {
                    result = await Task.Run(() => database.ExecuteWriteUnsynced(request, cancellationToken), cancellationToken);
                }
                finally
                {
                    _writeGate.Release();
                }
                // Outside the gate: the next write commits while this one's log entry syncs, and one sync covers both.
                await database.SyncLogAsync(result.Bookmark);
                await Durable(database, result.Bookmark, cancellationToken);
            }
            else
            {
                // An output gate: a read is answered only once the commits it saw are durable (immediate when they are).
                await database.SyncLogAsync(result.Bookmark);
            }
            queryStats.Record(this.GetPrimaryKeyString(), statements, result.Totals);
            telemetry.Query(this.GetPrimaryKeyString(), statements, started, result.Totals, null, activity);
            return new DatabaseReply(result.Json, isBatch, null, null, result.Bookmark.ToString(), result.Totals);
        }
        catch (D1Exception ex)
        {
            telemetry.Query(this.GetPrimaryKeyString(), statements, started, null, ex, activity);
            return DatabaseReply.Failure(ex, database.CurrentBookmark.ToString());
        }
    }

    public async Task<ImportReply> Import(string path, CancellationToken cancellationToken)
    {
        var database = Open();
        await _writeGate.WaitAsync(cancellationToken);
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
            _writeGate.Release();
        }
    }

    public async Task<ExportReply> Export(string path, DumpOptions options, CancellationToken cancellationToken)
    {
        var database = Open();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await Task.Run(() =>
            {
                using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
                return database.Dump(file, options, cancellationToken);
            }, cancellationToken);
            telemetry.Operation("export", this.GetPrimaryKeyString(), started, null);
            return new ExportReply(result.Bookmark.ToString(), result.Statements, result.Bytes, null);
        }
        catch (D1Exception ex)
        {
            telemetry.Operation("export", this.GetPrimaryKeyString(), started, ex.Message);
            return new ExportReply(database.CurrentBookmark.ToString(), 0, 0, ex.Message);
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

    public Task<DatabaseStats> GetStats()
    {
        var stats = Open().Stats();
        catalog.UpdateStats(this.GetPrimaryKeyString(), stats);
        return Task.FromResult(stats);
    }

    public async Task<string> Backup(CancellationToken cancellationToken)
    {
        var database = Open();
        var path = Path.Combine(files.Folder(this.GetPrimaryKeyString()), $"backup-{Guid.NewGuid():N}.sqlite");
        try
        {
            // Off the activation's turn: copying a large file must not hold up the grain's other calls.
            await Task.Run(() => database.BackupTo(path, cancellationToken), cancellationToken);
            return path;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public async Task Delete()
    {
        await _writeGate.WaitAsync();
        try
        {
            _deleted = true;
            if (_database is not null) await _database.DisposeAsync();
            _database = null;
            var folder = files.Folder(this.GetPrimaryKeyString());
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            if (changeLogs.Store is { } store)
                foreach (var key in await store.ListAsync(ChangeLogSettings.Prefix(this.GetPrimaryKeyString())))
                    await store.DeleteAsync(key);
        }
        finally
        {
            _writeGate.Release();
        }
        DeactivateOnIdle();
    }

    Database Open() => _database ?? throw new D1Exception(D1ErrorCode.NotFound, "Not Found");
}
