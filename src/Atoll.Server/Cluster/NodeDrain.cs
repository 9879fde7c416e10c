using System.Diagnostics;
using Atoll.Server.Grains;
using Atoll.Server.Hosting;
using Atoll.Server.Transfers;
using Orleans.Serialization.TypeSystem;

namespace Atoll.Server.Cluster;

/// <summary>
/// How a node leaves the cluster without failing a request — told to (<c>POST …/cluster/nodes/{name}/drain</c>) or
/// stopped (SIGTERM, in cluster mode: <see cref="StoppingAsync"/> runs before Kestrel and the silo stop). Every node
/// stops placing databases here; this node stops opening them (<see cref="DrainingNodes.StepsAside"/>); the databases open
/// here close once the requests they are running have answered, and open on another node at their next request. Transfer
/// jobs running here finish first (new ones start on other nodes), and uploads and finished exports are copied to another node, so
/// their signed URLs still download. The node then lingers, still forwarding requests that other nodes send on stale caches
/// of where a database (or job) was, before it stops. The last node of a cluster has nowhere to hand its databases to: it just stops.
/// </summary>
public sealed class NodeDrain(IGrainFactory grains, ILocalSiloDetails local, IClusterMembershipService membership, DrainingNodes draining,
    OpenDatabases open, DatabaseGrains databases, NodeTransferJobs jobs, TransferFiles files, ILogger<NodeDrain> logger) : IHostedLifecycleService
{
    /// <summary>
    /// How long the node keeps forwarding after its databases closed, while other nodes' stale routes die out: at least
    /// <see cref="MinLinger"/>, then until for <see cref="Quiet"/> no request has come here on one, no database
    /// activation has existed here and no transfer job has run here, but no longer than <see cref="MaxLinger"/> (SIGTERM's
    /// whole stop has <c>Atoll:ShutdownTimeout</c>, 30 s): a job still running then is left, and its polls answer that it
    /// went with its node.
    /// </summary>
    static readonly TimeSpan MinLinger = TimeSpan.FromSeconds(5), Quiet = TimeSpan.FromSeconds(3), MaxLinger = TimeSpan.FromSeconds(20);

    /// <summary>How long the node stays up after lingering, before Kestrel and the silo stop.</summary>
    static readonly TimeSpan Tail = TimeSpan.FromSeconds(3);

    /// <summary>How long uploads and finished exports may take to copy to another node (during <see cref="Tail"/> and after it).</summary>
    static readonly TimeSpan FilesHandOver = TimeSpan.FromSeconds(5);

    readonly Lock _gate = new();
    Task? _leaving;

    /// <summary>Hands this node's databases over to the others (once: later calls wait for the first).</summary>
    public Task LeaveAsync()
    {
        lock (_gate) return _leaving ??= Task.Run(HandOverAsync);
    }

    async Task HandOverAsync()
    {
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress)).Select(m => m.SiloAddress).ToArray();
        if (others.Length == 0) return;
        // Stepping aside first: a request the others still place here before they hear of the drain is forwarded unrun.
        draining.Leave(local.SiloAddress);
        await TellAsync(others, node => node.Avoid(local.SiloAddress));
        // Logged once no node places new work here any more (an operator, or a test, may act on this line).
        logger.LogWarning("Leaving the cluster: handing this node's databases over to {Nodes} other nodes", others.Length);
        await StepAsideJobsAsync();
        if (jobs.Running is { Count: > 0 } running)
            logger.LogWarning("Waiting for {Count} transfer jobs running here: {Jobs}", running.Count, string.Join(", ", running));
        await CloseAllAsync();
        var lingering = Stopwatch.StartNew();
        await Task.Delay(MinLinger);
        await CloseAllAsync(); // anything that opened before the step-aside mark was set
        // Quiet means: no request came on a stale route (a step-aside), no database activation exists here in any state
        // — one being created, stepping aside or closing holds the requests sent to it until it is gone — and no transfer
        // job runs here (its outcome is recorded as it finishes, for the polls that come after this node left).
        var busy = Stopwatch.StartNew();
        while (lingering.Elapsed < MaxLinger)
        {
            if (open.Uuids.Count > 0 || jobs.Running.Count > 0 || await DatabaseActivationsHereAsync() > 0) busy.Restart();
            if (busy.Elapsed >= Quiet && draining.SinceLastStepAside >= Quiet) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        var left = await DatabaseActivationsHereAsync(); // the open ones included
        logger.LogWarning("Handed over after lingering {Seconds:F1} s; {Open} database activations still here", lingering.Elapsed.TotalSeconds, left);
        if (jobs.Running is { Count: > 0 } unfinished)
            logger.LogWarning("Leaving {Count} transfer jobs unfinished (their polls will answer that they went with this node): {Jobs}",
                unfinished.Count, string.Join(", ", unfinished));
        // Requests sent before the others heard of the drain may still be on their way here (under load a message can
        // take seconds between nodes): staying up a little longer forwards them instead of losing them with the node.
        await Task.WhenAll(Task.Delay(Tail), HandOverFilesAsync(others));
    }

    /// <summary>Asks this node's transfer job grains to deactivate once their job is finished: later requests start them elsewhere.</summary>
    Task StepAsideJobsAsync() => Task.WhenAll(jobs.Grains.Select(async key =>
    {
        try
        {
            await grains.GetGrain<ITransferJobGrain>(key).StepAside().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not ask transfer job {Key} to step aside", key);
        }
    }));

    /// <summary>
    /// Copies this node's uploads and finished exports, newest first, to nodes that stay (within <see cref="FilesHandOver"/>):
    /// a client that uploaded an import file here ingests it, and one that polled an export to completion here downloads
    /// it, after this node left, through any node.
    /// </summary>
    async Task HandOverFilesAsync(SiloAddress[] others)
    {
        var staying = others.Where(s => !draining.Contains(s)).ToArray();
        var handing = files.HandOver(ITransferOutcomes.Retention);
        if (staying.Length == 0 || handing.Count == 0) return;
        var handOver = Stopwatch.StartNew();
        var handed = 0;
        foreach (var name in handing)
        {
            var to = staying[Random.Shared.Next(staying.Length)];
            var left = FilesHandOver - handOver.Elapsed;
            try
            {
                if (left <= TimeSpan.Zero) throw new TimeoutException();
                await grains.GetGrain<INodeGrain>(NodeGrain.KeyOf(to)).TakeFile(new NodeFile(local.SiloAddress, name)).WaitAsync(left);
                handed++;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or IOException or ArgumentException)
            {
                logger.LogWarning("Could not hand {Name} over to {Node} ({Error}): it goes with this node", name, to, ex.Message);
            }
        }
        logger.LogWarning("Handed {Handed} of {Count} uploads and finished exports over to other nodes in {Seconds:F1} s", handed, handing.Count, handOver.Elapsed.TotalSeconds);
    }

    /// <summary>Database activations on this node in any state, as Orleans' catalog counts them (unknown: one).</summary>
    async Task<int> DatabaseActivationsHereAsync()
    {
        try
        {
            return (await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics([DatabaseGrainType], [local.SiloAddress])).Length;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return 1;
        }
    }

    static readonly string DatabaseGrainType = RuntimeTypeNameFormatter.Format(typeof(DatabaseGrain));

    /// <summary>Tells every node in <paramref name="silos"/> something about this one; one that does not answer is going away too.</summary>
    Task TellAsync(SiloAddress[] silos, Func<INodeGrain, Task> tell) => Task.WhenAll(silos.Select(async silo =>
    {
        try
        {
            await tell(grains.GetGrain<INodeGrain>(NodeGrain.KeyOf(silo))).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not tell node {Silo} that this one is leaving", silo);
        }
    }));

    Task CloseAllAsync() => Task.WhenAll(open.Uuids.Select(async uuid =>
    {
        try
        {
            await databases.Get(uuid).Close();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not close database {Uuid} before leaving", uuid);
        }
    }));

    /// <summary>SIGTERM or a drain's own stop: hand over before Kestrel and the silo stop (bounded by <c>Atoll:ShutdownTimeout</c>).</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => LeaveAsync().WaitAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
