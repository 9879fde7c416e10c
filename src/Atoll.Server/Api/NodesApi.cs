using Atoll.Server.Auth;
using Atoll.Server.Cluster;

namespace Atoll.Server.Api;

/// <summary>
/// The cluster's nodes (<c>/client/v4/cluster/nodes</c>, admin token only): list them with their region, status and the
/// databases each has open; drain one (it leaves gracefully and its databases open elsewhere). One node lists itself.
/// </summary>
public static class NodesApi
{
    /// <summary>Maps the node routes.</summary>
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/cluster/nodes").WithTags("Cluster");
        api.MapGet("", List);
        api.MapPost("/{node}/drain", Drain);
        return app;
    }

    static async Task RequireAdmin(HttpRequest request, TokenAuthenticator auth)
    {
        if (!(await auth.AuthenticateAsync(request)).IsAdmin)
            throw ApiException.Forbidden("Authentication error: only the admin token may manage the cluster's nodes");
    }

    static async Task<IResult> List(HttpRequest request, TokenAuthenticator auth, ClusterNodes nodes)
    {
        await RequireAdmin(request, auth);
        var list = await nodes.ListAsync(request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var node in list)
            {
                json.WriteStartObject();
                json.WriteString("name", node.Name);
                json.WriteString("region", node.Region);
                json.WriteString("address", node.Address);
                json.WriteString("status", node.Status);
                json.WriteString("started_at", node.StartedAt.ToUniversalTime().ToString("O"));
                if (node.Databases is { } databases)
                {
                    json.WriteNumber("num_databases", databases.Count);
                    json.WriteStartArray("databases");
                    foreach (var uuid in databases) json.WriteStringValue(uuid);
                    json.WriteEndArray();
                }
                else json.WriteNull("databases");
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }, writeResultInfo: json => AccountsApi.WritePage(json, list.Count));
    }

    static async Task<IResult> Drain(string node, HttpRequest request, TokenAuthenticator auth, ClusterNodes nodes)
    {
        await RequireAdmin(request, auth);
        if (!await nodes.DrainAsync(node))
            return Envelope.Error(StatusCodes.Status404NotFound, 7404, $"No active node named '{node}' in the cluster.");
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("name", node);
            json.WriteString("status", "draining");
            json.WriteEndObject();
        });
    }
}
