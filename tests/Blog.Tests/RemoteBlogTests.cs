namespace Blog.Tests;

/// <summary>The blog on a real Atoll server over HTTP, its database created on first use.</summary>
public sealed class RemoteBlogTests(AtollServer server) : BlogContract
{
    protected override Dictionary<string, string?> DatabaseSettings(string database) => new()
    {
        ["D1:DB:Mode"] = "Remote", ["D1:DB:Url"] = server.Url, ["D1:DB:ApiToken"] = AtollServer.Token,
        ["D1:DB:AccountId"] = server.AccountId, ["D1:DB:Database"] = database, ["D1:DB:CreateIfMissing"] = "true",
    };
}
