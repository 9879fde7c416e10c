using System.Text.Json;
using Atoll.Server.Grains;
using Atoll.Server.Transfers;

namespace Atoll.Server.Import;

/// <summary>
/// An import: runs the uploaded file <see cref="Upload"/> (<see cref="Length"/> bytes, on whichever node the upload
/// reached) in the database <see cref="Uuid"/> as one transaction. The database's node reads the file from there.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.import-work")]
public sealed record ImportWork([property: Id(0)] string Uuid, [property: Id(1)] NodeFile Upload, [property: Id(2)] long Length) : TransferWork
{
    /// <summary>The key of a database's import job: one at a time per database, as in D1.</summary>
    public static string Key(string uuid) => "import:" + uuid;

    public override string Type => "import";

    /// <summary>An import running in the database answers for any other, as D1's does.</summary>
    public override bool Joins(TransferJob job) => job.FinishedAt is null;

    public override Task<string> BookmarkAsync(IGrainFactory grains) => grains.GetGrain<IDatabaseGrain>(Uuid).GetBookmark();

    public override async Task RunAsync(TransferJob job, TransferServices services)
    {
        job.Report($"Processing {Path.GetFileName(Upload.Name)} ({Length} bytes) as one transaction");
        var reply = await services.Grains.GetGrain<IDatabaseGrain>(Uuid).Import(Upload);
        if (!reply.Success)
        {
            job.Fail(reply.Error!,
                $"Statement {reply.FailedStatement} failed: {reply.FailedSql}",
                "The import was rolled back: the database is exactly as it was before.");
            return;
        }
        job.Complete(json => WriteResult(json, reply),
            $"Imported {reply.NumQueries} statements in {reply.DurationMs:0.##} ms ({reply.RowsRead} rows read, {reply.RowsWritten} rows written)");
    }

    static void WriteResult(Utf8JsonWriter json, ImportReply reply)
    {
        json.WriteStartObject();
        json.WriteString("final_bookmark", reply.Bookmark);
        json.WriteNumber("num_queries", reply.NumQueries);
        json.WriteStartObject("meta");
        json.WriteString("served_by", "atoll");
        json.WriteNumber("duration", Math.Round(reply.DurationMs, 4));
        json.WriteNumber("changes", reply.Changes);
        json.WriteNumber("last_row_id", reply.LastRowId);
        json.WriteBoolean("changed_db", reply.ChangedDb);
        json.WriteNumber("size_after", reply.SizeAfter);
        json.WriteNumber("rows_read", reply.RowsRead);
        json.WriteNumber("rows_written", reply.RowsWritten);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
