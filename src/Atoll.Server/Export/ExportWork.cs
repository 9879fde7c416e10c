using System.Security.Cryptography;
using System.Text;
using Atoll.Engine;
using Atoll.Server.Grains;
using Atoll.Server.Transfers;

namespace Atoll.Server.Export;

/// <summary>
/// An export: dumps the database <see cref="Uuid"/> at <see cref="AtBookmark"/> with <see cref="Options"/> into this node's
/// <c>exports/</c> folder and hands out a signed URL at <see cref="Origin"/>, where the client reached the cluster. Any node
/// serves that URL: one that does not have the file reads it from here.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.export-work")]
public sealed record ExportWork(
    [property: Id(0)] string Uuid, [property: Id(1)] DumpOptions Options, [property: Id(2)] string AtBookmark,
    [property: Id(3)] TransferUrls.Origin Origin) : TransferWork
{
    /// <summary>How long a finished export answers for a new one of the same bookmark and options.</summary>
    static readonly TimeSpan Reused = TimeSpan.FromMinutes(1);

    /// <summary>The key of the export of <paramref name="uuid"/> at <paramref name="bookmark"/> with <paramref name="options"/>.</summary>
    public static string Key(string uuid, string bookmark, DumpOptions options) => $"export:{uuid}:{bookmark}{Suffix(options)}";

    public override string Type => "export";

    public override bool Joins(TransferJob job) => job.FinishedAt is null || job.FinishedAt > DateTimeOffset.UtcNow - Reused;

    public override Task<string> BookmarkAsync(IGrainFactory grains) => Task.FromResult(AtBookmark);

    public override async Task RunAsync(TransferJob job, TransferServices services)
    {
        services.Files.Sweep(TransferSigner.Lifetime);
        var fileName = $"{Uuid}-{AtBookmark}{Suffix(Options)}.sql";
        var path = services.Files.Export(Uuid, fileName);
        job.Report($"Generating {fileName}");
        var reply = await services.Grains.GetGrain<IDatabaseGrain>(Uuid).Export(Options);
        if (reply.Error is not null || reply.File is null)
        {
            job.Fail(reply.Error ?? "The export produced no file.");
            return;
        }
        await FetchAsync(services.NodeFiles, reply.File, path);
        var url = TransferUrls.Download(Origin, services.Signer, Uuid, fileName);
        job.Complete(json =>
        {
            json.WriteStartObject();
            json.WriteString("filename", fileName);
            json.WriteString("signed_url", url);
            json.WriteEndObject();
        }, $"Finished uploading {fileName} ({reply.Bytes} bytes, {reply.Statements} statements, at bookmark {reply.Bookmark}).",
            TransferFiles.ExportName(Uuid, fileName));
    }

    /// <summary>
    /// Puts the dump staged on the database's node at <paramref name="path"/>, where the signed URL serves it: renamed when
    /// that node is this one, else copied in parts from it; the staged file is deleted either way.
    /// </summary>
    static async Task FetchAsync(NodeFiles nodeFiles, NodeFile staged, string path)
    {
        if (nodeFiles.LocalPath(staged) is { } local)
        {
            File.Move(local, path, overwrite: true);
            return;
        }
        try
        {
            await nodeFiles.CopyAsync(staged, path);
        }
        finally
        {
            await nodeFiles.DeleteAsync(staged);
        }
    }

    /// <summary>Tells apart exports of one bookmark with different options; empty for a whole dump.</summary>
    static string Suffix(DumpOptions options)
    {
        if (!options.NoSchema && !options.NoData && options.Tables.Count == 0) return "";
        var text = $"{options.NoSchema}|{options.NoData}|{string.Join('\u0001', options.Tables)}";
        return "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }
}
