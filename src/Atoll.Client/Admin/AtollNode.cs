namespace Atoll.Client.Admin;

/// <summary>A node of an Atoll server or cluster, as <c>GET /client/v4/cluster/nodes</c> lists it.</summary>
/// <param name="Name">The node's name, unique in the cluster (answers carry it as <c>meta.served_by_colo</c>).</param>
/// <param name="Region">Its region (WNAM, WEUR, …), used for placement.</param>
/// <param name="Address">Its Orleans silo endpoint (host:port), not its HTTP address.</param>
/// <param name="Status">Its membership status: <c>active</c>, <c>joining</c>, <c>shuttingdown</c>, …</param>
/// <param name="StartedAt">When the node started.</param>
/// <param name="Databases">The uuids of the databases open on it; null when it could not be asked (it is going away).</param>
public sealed record AtollNode(string Name, string Region, string Address, string Status, DateTimeOffset StartedAt, IReadOnlyList<string>? Databases);
