using Atoll.Engine;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Grains;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Replication;

/// <summary>
/// Sends a query where its session allows (the binding and REST share it): no constraint or <c>first-primary</c> → the
/// primary; <c>first-unconstrained</c> → a replica, this node's region first; a bookmark → a replica that has applied it
/// (waiting up to <see cref="ReplicationOptions.BookmarkWait"/>), else the primary. A request that writes, or that no
/// replica can take, goes to the primary. Replicas are used only while the database's mode is <c>auto</c>.
/// </summary>
public sealed class ReplicaRouter(IGrainFactory grains, DatabaseGrains primaries, IOptions<ReplicationOptions> options, IOptions<EngineOptions> engine,
    FailoverRetry failover, IOptions<ClusterNodeOptions> cluster)
{
    /// <summary>Runs <paramref name="request"/> on the instance the session allows; the reply's bookmark is the commit it reflects.</summary>
    public async Task<DatabaseReply> QueryAsync(DatabaseRecord database, QueryRequest request, SessionConstraint session,
        CancellationToken cancellationToken)
    {
        if (session.Start != SessionStart.Primary && database.ReadReplication == "auto")
        {
            var atLeast = session.AtLeast?.Sequence ?? -1;
            var wait = session.Start == SessionStart.Bookmark ? options.Value.BookmarkWait : TimeSpan.Zero;
            foreach (var region in Nearest(database))
            {
                var replica = grains.GetGrain<IReplicaGrain>($"{database.Uuid}/{region}");
                var reply = await failover.RunAsync(() => true, ct => new ValueTask<DatabaseReply?>(replica.Query(request, atLeast, wait, ct)), cancellationToken);
                if (reply is not null) return reply;
                wait = TimeSpan.Zero; // one bounded wait per query, not one per replica
            }
        }
        // A read of a database whose grain is active in this process skips the grain call (a quarter of a point read's
        // CPU); writes, and databases closed or owned elsewhere, go through the grain.
        if (primaries.Active.Find(database.Uuid) is { } local && await local.TryReadDirectAsync(request, cancellationToken) is { } direct) return direct;
        // A cluster resends it to the database's next owner when its node goes away: with an id, a write that already
        // committed there is answered from its receipt, not run twice.
        var primary = primaries.Get(database.Uuid);
        if (failover.Enabled && request.RequestId is null) request = request with { RequestId = Guid.NewGuid() };
        return await failover.RunAsync(() => request.RequestId is not null || request.CannotWrite,
            ct => new ValueTask<DatabaseReply>(primary.Query(request, ct)), cancellationToken);
    }

    /// <summary>Switches a database's replicas on (each seeds itself and follows) or off (their reads stop, their files go).</summary>
    public async Task ApplyModeAsync(DatabaseRecord database)
    {
        var enabled = database.ReadReplication == "auto";
        await grains.GetGrain<IDatabaseGrain>(database.Uuid).SetReplication(enabled);
        if (!enabled)
            foreach (var region in Nearest(database)) await grains.GetGrain<IReplicaGrain>($"{database.Uuid}/{region}").Drop();
    }

    /// <summary>Each replica's position and lag; empty when replication is off.</summary>
    public async Task<IReadOnlyList<ReplicaStatus>> StatusAsync(DatabaseRecord database)
    {
        if (database.ReadReplication != "auto") return [];
        var statuses = new List<ReplicaStatus>();
        foreach (var region in Nearest(database)) statuses.Add(await grains.GetGrain<IReplicaGrain>($"{database.Uuid}/{region}").Status());
        return statuses;
    }

    // The replicas are the configured regions but the primary's, this node's own first. On one node the primary is in
    // this node's region; in a cluster it is in its location hint's region (RegionPlacementDirector puts it there), so a
    // node of another region reads its own replica. A cluster database without a hint has its primary on any node: the
    // receiving node's region is left out then, as on one node.
    IEnumerable<string> Nearest(DatabaseRecord database)
    {
        var here = engine.Value.Region;
        var primaryRegion = cluster.Value.Enabled && database.LocationHint is { Length: > 0 } hint ? hint : here;
        return options.Value.ReplicaRegions(primaryRegion).OrderBy(r => r.Equals(here, StringComparison.OrdinalIgnoreCase) ? 0 : 1);
    }
}
