using Atoll.Server.Cluster;

namespace Atoll.Server.Transfers;

/// <summary>
/// Transfer files across the cluster's nodes: this node names its own (<see cref="Here"/>) so another can read them in
/// parts through this node's <see cref="NodeGrain"/>, and reads another node's the same way; a file whose node is not known
/// (an upload or an export, behind a load balancer) is found by asking every node (<see cref="FindAsync"/>). Only uploads,
/// exports and staged files can be read (<see cref="TransferFiles.ShareablePath"/>), and only staged files deleted. On one
/// node every file is local: callers use <see cref="LocalPath"/> and nothing is copied.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class NodeFiles(TransferFiles files, ILocalSiloDetails local, IGrainFactory grains, IClusterMembershipService membership,
    ILogger<NodeFiles> logger)
{
    /// <summary>The file named <paramref name="name"/> (under <c>transfers/</c>) on this node.</summary>
    public NodeFile Here(string name) => new(local.SiloAddress, name);

    /// <summary>A new staged file on this node (<c>sql</c> or <c>sqlite</c>) and its path.</summary>
    public (NodeFile File, string Path) NewStaged(string extension)
    {
        var name = files.NewStaged(extension);
        return (Here(name), files.ShareablePath(name)!);
    }

    /// <summary>The path of <paramref name="file"/> when it is on this node; null when it is on another.</summary>
    /// <exception cref="ArgumentException">The name is not an upload's or a staged file's.</exception>
    public string? LocalPath(NodeFile file) => file.Node.Equals(local.SiloAddress) ? Shareable(file.Name) : null;

    /// <summary>
    /// The file <paramref name="name"/> (an upload or an export) and its length: on this node if it is here, else on the
    /// first other active node that has it; null when none has. Its write time is refreshed wherever it is, so the sweep
    /// leaves it while it is used.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not an upload's, an export's or a staged file's.</exception>
    public async Task<(NodeFile File, long Length)?> FindAsync(string name)
    {
        if (Keep(name) is var here and >= 0) return (Here(name), here);
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress))
            .Select(async m =>
            {
                try
                {
                    return (new NodeFile(m.SiloAddress, name), await NodeOf(m.SiloAddress).KeepFile(name));
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    return (new NodeFile(m.SiloAddress, name), -1L); // going away: whatever it holds goes with it
                }
            });
        foreach (var (file, length) in await Task.WhenAll(others))
            if (length >= 0) return (file, length);
        return null;
    }

    /// <summary>Serves another node's search for this node's <paramref name="name"/>: its length, its write time refreshed; -1 when it is not here.</summary>
    public long Keep(string name)
    {
        var path = Shareable(name);
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>Copies <paramref name="source"/>, on any node, to <paramref name="destination"/> in parts.</summary>
    public async Task CopyAsync(NodeFile source, Stream destination, CancellationToken cancellationToken)
    {
        var bytes = await FileParts.CopyAsync((offset, max) => NodeOf(source).ReadFile(source.Name, offset, max), destination, cancellationToken);
        // Worth a line: moving a file between nodes costs a full copy over the network.
        logger.LogInformation("Copied {Name} from node {Node}: {Bytes} bytes", source.Name, source.Node, bytes);
    }

    /// <summary>
    /// Serves a leaving node's hand-over of its upload or finished export <paramref name="source"/>: copies it here under the
    /// same name, where <see cref="FindAsync"/> finds it for the ingest or the download.
    /// </summary>
    /// <exception cref="ArgumentException">Neither an upload's nor an export's name.</exception>
    public async Task TakeAsync(NodeFile source)
    {
        if (!source.Name.StartsWith("exports/", StringComparison.Ordinal) && !source.Name.StartsWith("uploads/", StringComparison.Ordinal))
            throw new ArgumentException($"'{source.Name}' is neither an upload nor an export: only those are handed over.", nameof(source));
        var path = Shareable(source.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await CopyAsync(source, path);
    }

    /// <summary>Copies <paramref name="source"/>, on any node, to the local <paramref name="path"/>: whole, or not at all.</summary>
    public async Task CopyAsync(NodeFile source, string path)
    {
        var partial = TransferFiles.Partial(path);
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
                await CopyAsync(source, file, CancellationToken.None);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Deletes a staged file wherever it is; a best effort (what is left is swept within the hour).</summary>
    public async Task DeleteAsync(NodeFile staged)
    {
        try
        {
            if (staged.Node.Equals(local.SiloAddress)) Delete(staged.Name);
            else await NodeOf(staged).DeleteStaged(staged.Name);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or IOException)
        {
            logger.LogWarning(ex, "Could not delete the staged file {Name} on {Node}", staged.Name, staged.Node);
        }
    }

    /// <summary>Serves another node's read of this node's <paramref name="name"/>: up to <paramref name="max"/> bytes from <paramref name="offset"/>.</summary>
    public Task<byte[]> ReadPartAsync(string name, long offset, int max) => FileParts.ReadAsync(Shareable(name), offset, max);

    /// <summary>Deletes this node's staged file <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not a staged file's name.</exception>
    public void Delete(string name)
    {
        if (!TransferFiles.IsStaged(name)) throw new ArgumentException($"'{name}' is not a staged file: only those are deleted on request.", nameof(name));
        File.Delete(Shareable(name));
    }

    string Shareable(string name)
        => files.ShareablePath(name) ?? throw new ArgumentException($"'{name}' is not a transfer file another node may read.", nameof(name));

    INodeGrain NodeOf(NodeFile file) => NodeOf(file.Node);

    INodeGrain NodeOf(SiloAddress node) => grains.GetGrain<INodeGrain>(NodeGrain.KeyOf(node));
}
