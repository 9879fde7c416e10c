using Atoll.Engine.ChangeLog;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class LogSegmentsTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-segments-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static LogEntry Entry(long sequence, byte fill)
    {
        var page = new byte[4096];
        page.AsSpan().Fill(fill);
        return new LogEntry(sequence, 1_000 + sequence, LogEntryKind.Commit, 0, 4096, 3, (ulong)sequence, (ulong)sequence + 1,
            [new PageImage(2, page)]);
    }

    [Fact]
    public void A_crash_that_leaves_the_fill_and_a_torn_append_loses_only_the_torn_entry()
    {
        var crashed = new LogSegments(_directory, chunkBytes: 4096);
        var written = Enumerable.Range(1, 3).Select(i => crashed.Append(Entry(i, (byte)i))).ToList();
        crashed.Sync();
        var segment = written[0].Segment;
        var end = written[^1].Offset + written[^1].Length;
        Assert.True(new FileInfo(segment).Length > end, "the segment is grown ahead of its entries");

        // A fourth append torn by the crash: its length prefix and a few bytes, then the fill.
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Position = end;
            file.Write(BitConverter.GetBytes(Entry(4, 4).EncodedLength));
            file.Write(new byte[100]);
        }

        var reopened = new LogSegments(_directory);
        var scanned = reopened.Scan();
        Assert.Equal(written, scanned);
        Assert.Equal(end, new FileInfo(segment).Length); // fill and torn tail cut off
        Assert.Equal([1, 2, 3], scanned.Select(p => LogSegments.Read(p).Pages[0].Data[0]).Select(b => (int)b));
        crashed.Dispose();
        reopened.Dispose();
    }

    [Fact]
    public void On_linux_segments_sync_with_fdatasync()
        => Assert.Equal(OperatingSystem.IsLinux(), FileSync.DataOnly);

    [Fact]
    public void Segments_grow_in_chunks_roll_at_their_limit_and_keep_only_entries_when_closed()
    {
        var positions = new List<LogPosition>();
        using (var segments = new LogSegments(_directory, segmentBytes: 10_000, chunkBytes: 4096))
            for (var i = 1; i <= 10; i++)
            {
                positions.Add(segments.Append(Entry(i, (byte)i)));
                segments.Sync();
            }
        var files = Directory.GetFiles(_directory, "*.seg").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 4, $"{files.Length} segments");
        foreach (var file in files)
            Assert.Equal(positions.Where(p => p.Segment == file).Sum(p => 4L + p.Length), new FileInfo(file).Length);
        using var reopened = new LogSegments(_directory);
        Assert.Equal(positions, reopened.Scan());
    }

    [Fact]
    public async Task Concurrent_writers_share_log_syncs_and_every_commit_is_logged()
    {
        var path = Path.Combine(_directory, "db.sqlite");
        var bookmarks = new System.Collections.Concurrent.ConcurrentBag<Bookmark>();
        await using (var db = await Database.OpenAsync(path, changeLog: new ChangeLogOptions { SnapshotEveryCommits = 100 }, cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("CREATE TABLE t(writer INTEGER, n INTEGER)"), Ct);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
            {
                for (var n = 0; n < 40; n++)
                {
                    var result = db.ExecuteWriteUnsynced(QueryRequest.Single("INSERT INTO t VALUES (?, ?)", SqlValue.FromInteger(w), SqlValue.FromInteger(n)), Ct);
                    db.SyncLog(result.Bookmark);
                    bookmarks.Add(result.Bookmark);
                }
            }, Ct)));
            await db.WhenIdleAsync();
        }
        Assert.Equal(320, bookmarks.Distinct().Count());
        await using (var db = await Database.OpenAsync(path, changeLog: new ChangeLogOptions { SnapshotEveryCommits = 100 }, cancellationToken: Ct))
        {
            var middle = bookmarks.Order().ElementAt(160);
            await db.RestoreAsync(middle, Ct);
            using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single("SELECT count(*) AS c FROM t"), Ct).Json);
            Assert.Equal(161, json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetInt32());
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
