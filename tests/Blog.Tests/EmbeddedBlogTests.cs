namespace Blog.Tests;

/// <summary>The blog on the embedded engine (its default mode), in a temp data directory.</summary>
public sealed class EmbeddedBlogTests : BlogContract
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-blog-" + Guid.NewGuid().ToString("N"));

    protected override Dictionary<string, string?> DatabaseSettings(string database) => new()
    {
        ["D1:DB:Mode"] = "Embedded", ["D1:DB:DataDirectory"] = _directory, ["D1:DB:Database"] = database, ["D1:DB:CreateIfMissing"] = "true",
    };

    protected override ValueTask DisposeStorageAsync()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
