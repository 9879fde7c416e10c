using Atoll.Engine;
using Atoll.Engine.Replication;
using Atoll.Server.Analytics;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Hosting;
using Atoll.Server.Observability;
using Atoll.Server.Replication;
using Microsoft.Extensions.Options;

using Atoll.Server.Transfers;

namespace Atoll.Server.Grains;

/// <summary>
/// A read replica (key <c>&lt;uuid&gt;/&lt;region&gt;</c>) living in <c>&lt;data&gt;/databases/&lt;uuid&gt;/replicas/&lt;region&gt;/</c>.
/// Starts from a copy of the primary at a durable commit, then follows it: the primary wakes it after each durable commit
/// (a one-way message, cheap on one node) and it pulls the entries after its own position (so catching up after a restart,
/// a lost wake-up or a burst is the same code as keeping up, and a burst is applied as one batch).
/// </summary>
/// <remarks>
/// It only ever asks the primary for durable entries, so it never shows a state the primary could still lose. A restore
/// or a baseline on the primary, a checksum that does not match, or an apply cut short by a crash make it start again from
/// a fresh copy. While it has no copy, or is behind a session's bookmark for longer than the wait, reads go to the primary.
/// </remarks>
[RegionPlacement]
public sealed class ReplicaGrain(DatabaseFiles files, ICatalog catalog, IOptions<EngineOptions> engineOptions,
    IOptions<ReplicationOptions> options, TimeProvider clock, ReplicationCounters counters, ReplicaLags lags, ServerMetrics metrics,
    QueryStats queryStats, QueryTelemetry telemetry, DrainingNodes draining, ILogger<ReplicaGrain> logger) : Grain, IReplicaGrain
{
    readonly CancellationTokenSource _stop = new();
    readonly Pulse _wake = new();
    readonly Pulse _applied = new();
    ReadReplica? _replica;
    Task _loop = Task.CompletedTask;
    long _known = long.MaxValue; // the primary's newest durable commit as last heard; unknown at first, so the loop asks
    long? _behindSinceMs; // when the oldest commit not applied yet was made (or first heard of), while behind
    bool _dropped;

    string Uuid => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/')];
    string Region => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/') + 1)..];
    string Folder => Path.Combine(files.Folder(Uuid), "replicas", Region);
    string FilePath => Path.Combine(Folder, "db.sqlite");
    IDatabaseGrain Primary => GrainFactory.GetGrain<IDatabaseGrain>(Uuid);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (draining.StepsAside)
        {
            draining.SteppedAside();
            DeactivateOnIdle(); // leaving: a node of another region takes the replica
            return;
        }
        // A late wake-up after replication was switched off (or the database deleted) must not bring a copy back.
        if (await catalog.FindDatabaseByUuidAsync(Uuid, cancellationToken) is not { ReadReplication: "auto" })
        {
            _dropped = true;
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
            DeactivateOnIdle();
            return;
        }
        Directory.CreateDirectory(Folder);
        _replica = await Task.Run(() => ReadReplica.TryOpen(FilePath, engineOptions.Value, Region), cancellationToken);
        _loop = FollowAsync(_stop.Token);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        lags.Remove(this.GetPrimaryKeyString());
        await StopAsync();
        _replica?.Dispose();
        _replica = null;
    }

    async Task StopAsync()
    {
        _stop.Cancel();
        _wake.Fire();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Seed if needed, then fetch and apply until current; sleep until woken (or polled while known to be behind).</summary>
    async Task FollowAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _replica ??= await SeedAsync(stop);
                var replica = _replica;
                if (_known > replica.Applied.Sequence)
                {
                    var batch = await Primary.ReadLog(replica.Applied.Sequence, options.Value.BatchEntries);
                    _known = batch.Durable;
                    if (batch.Durable > replica.Applied.Sequence && batch.NextCommitTimeMs is { } next) _behindSinceMs = next;
                    ReportLag();
                    var expired = batch.Durable > replica.Applied.Sequence && batch.NextCommitTimeMs is null; // the next entry is gone
                    if (expired || batch.Durable - replica.Applied.Sequence > options.Value.CopyWhenBehind)
                    {
                        // Entries past retention, or far behind: a copy from the primary's newest snapshot, not a replay.
                        counters.CaughtUpFromCopy();
                        await ReseedAsync(stop);
                        continue;
                    }
                    if (batch.Entries.Count > 0)
                    {
                        var before = replica.Applied.Sequence;
                        var continues = await Task.Run(() => replica.Apply(batch.Entries), CancellationToken.None);
                        if (replica.Applied.Sequence > before)
                        {
                            counters.Applied((int)(replica.Applied.Sequence - before));
                            metrics.ReplicaApplied(Region, replica.LastBatchCommitTimesMs, clock.GetUtcNow().ToUnixTimeMilliseconds());
                            // Still behind: the next commit is newer than what was applied; the next fetch says exactly.
                            _behindSinceMs = _known > replica.Applied.Sequence ? replica.AppliedCommitTime.ToUnixTimeMilliseconds() : null;
                            ReportLag();
                        }
                        _applied.Fire();
                        if (!continues) await ReseedAsync(stop); // a restore or a baseline on the primary
                        continue;
                    }
                }
                await _wake.WaitAsync(_known > replica.Applied.Sequence ? options.Value.PollInterval : Timeout.InfiniteTimeSpan, stop);
            }
            catch (D1Exception ex) when (!stop.IsCancellationRequested && _replica is null)
            {
                // The primary cannot give a copy (no change log: Time Travel off): stop; reads stay on the primary.
                logger.LogWarning("Replica {Key} cannot be seeded: {Reason}", this.GetPrimaryKeyString(), ex.Message);
                return;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Replica {Key} could not follow its primary; starting again from a copy", this.GetPrimaryKeyString());
                _replica?.Dispose();
                _replica = null;
                _known = long.MaxValue;
                await Task.Delay(options.Value.PollInterval, CancellationToken.None);
            }
        }
    }

    async Task<ReadReplica> SeedAsync(CancellationToken stop)
    {
        var copy = FilePath + ".seed";
        File.Delete(copy);
        var sequence = await Primary.SeedReplica(Region, stop);
        await using (var file = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
            await FileParts.CopyAsync((offset, max) => Primary.ReadSeed(Region, offset, max), file, stop);
        var replica = await Task.Run(() => ReadReplica.Seed(copy, FilePath, engineOptions.Value, Region), CancellationToken.None);
        logger.LogDebug("Replica {Key} seeded at {Sequence}", this.GetPrimaryKeyString(), sequence);
        _known = long.MaxValue;
        counters.Seeded();
        _applied.Fire();
        return replica;
    }

    async Task ReseedAsync(CancellationToken stop)
    {
        var old = _replica;
        _replica = null; // reads go to the primary meanwhile
        old?.Dispose();
        _replica = await SeedAsync(stop);
    }

    // The lag the metrics report for this replica (by region): entries and time behind its primary.
    void ReportLag()
    {
        var entries = _replica is { } replica && _known != long.MaxValue ? Math.Max(0, _known - replica.Applied.Sequence) : 0;
        if (entries == 0) _behindSinceMs = null;
        lags.Set(this.GetPrimaryKeyString(), new ReplicaLags.Lag(Region, entries, entries > 0 ? _behindSinceMs : null));
    }

    public Task Wake(long durable)
    {
        if (_replica is { } current && durable > current.Applied.Sequence && _behindSinceMs is null)
            _behindSinceMs = clock.GetUtcNow().ToUnixTimeMilliseconds(); // woken right after the commit
        if (_known == long.MaxValue || durable > _known) _known = durable;
        ReportLag();
        if (_loop.IsCompleted && !_dropped && !_stop.IsCancellationRequested) _loop = FollowAsync(_stop.Token); // it had stopped: a seed failed
        _wake.Fire();
        return Task.CompletedTask;
    }

    public async Task<DatabaseReply?> Query(QueryRequest request, long atLeast, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (!_dropped && (_replica is null || _replica.Applied.Sequence < atLeast))
        {
            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero) return null;
            if (_replica is not null && atLeast > _known) _known = atLeast; // the session saw it durable: fetch now
            _wake.Fire();
            await _applied.WaitAsync(remaining, cancellationToken);
        }
        if (_dropped || _replica is not { } replica) return null;
        try
        {
            using var span = QueryTelemetry.StartQuery(Uuid);
            span?.SetTag("atoll.region", Region);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await Task.Run(() => replica.TryExecuteRead(request, cancellationToken), CancellationToken.None);
            if (result is null) return null;
            counters.Served();
            // A replica's reads are the database's reads, as in D1's analytics; they never pass the primary's queue.
            queryStats.Record(Uuid, request.Statements, result.Totals);
            telemetry.Query(Uuid, request.Statements, started, result.Totals, null, span);
            return new DatabaseReply(result.Json, null, null, result.Bookmark.ToString());
        }
        catch (ObjectDisposedException)
        {
            return null; // replaced by a fresh copy meanwhile: the primary answers
        }
        catch (D1Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return DatabaseReply.Failure(ex, replica.Applied.ToString());
        }
    }

    public async Task<ReplicaStatus> Status()
    {
        if (_replica is not { } replica) return new ReplicaStatus(Region, null, 0, 0);
        var applied = replica.Applied.Sequence;
        var batch = await Primary.ReadLog(applied, 0);
        var behind = Math.Max(0, batch.Durable - applied);
        var ms = behind > 0 && batch.NextCommitTimeMs is { } next ? Math.Max(0, clock.GetUtcNow().ToUnixTimeMilliseconds() - next) : 0;
        return new ReplicaStatus(Region, replica.Applied.ToString(), behind, ms);
    }

    public async Task Drop()
    {
        _dropped = true;
        lags.Remove(this.GetPrimaryKeyString());
        await StopAsync();
        _replica?.Dispose();
        _replica = null;
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        DeactivateOnIdle();
    }
}
