using Atoll.Engine.ChangeLog;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class PageApplierTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-applier-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static void Run(Database db, string sql, params SqlValue[] parameters)
    {
        try { db.Execute(QueryRequest.Single(sql, parameters), Ct); }
        catch (D1Exception ex) { throw new InvalidOperationException($"{sql}: {ex.Message}", ex); }
    }

    static string HashOf(string path)
    {
        using var db = Database.Open(path, changeLog: new ChangeLogOptions { Enabled = false });
        return ContentHash.Of(db);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Applying_entries_1_to_N_to_a_copy_of_entry_0_gives_the_primarys_content_at_every_N(int seed)
    {
        var primaryPath = Path.Combine(_directory, "primary", "db.sqlite");
        await using var primary = await Database.OpenAsync(primaryPath, changeLog: new ChangeLogOptions { CheckpointFrames = 40 }, cancellationToken: Ct);
        var random = new Random(seed);
        var expected = new Dictionary<long, string>();
        Run(primary, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, payload BLOB)");
        for (var step = 0; step < 70; step++)
        {
            switch (random.Next(7))
            {
                case 0 or 1: Run(primary, "INSERT INTO items(name, payload) VALUES (?, randomblob(?))", SqlValue.FromText("n" + step), SqlValue.FromInteger(random.Next(10, 300))); break;
                case 2: Run(primary, "INSERT INTO items(name, payload) VALUES ('big', randomblob(?))", SqlValue.FromInteger(random.Next(5_000, 60_000))); break;
                case 3: Run(primary, "UPDATE items SET name = name || '!' WHERE id % 3 = ?", SqlValue.FromInteger(step % 3)); break;
                case 4: Run(primary, "DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY random() LIMIT 3)"); break;
                case 5: Run(primary, step % 2 == 0 ? $"CREATE TABLE t{step}(a, b); CREATE INDEX i{step} ON t{step}(b); INSERT INTO t{step} VALUES ({step}, 'x')" : "ALTER TABLE items ADD COLUMN c" + step); break;
                default: Run(primary, "VACUUM"); break;
            }
            expected[primary.CurrentBookmark.Sequence] = ContentHash.Of(primary);
        }

        var log = primary.Log!.Store;
        var entries = log.Index.All();
        var replica = Path.Combine(_directory, "replica", "db.sqlite");
        Directory.CreateDirectory(Path.GetDirectoryName(replica)!);
        Assert.Equal(LogEntryKind.Baseline, entries[0].Kind);
        File.Copy(log.Snapshots.LocalPath(entries[0].Sequence), replica);
        var checked_ = 0;
        foreach (var position in entries.Skip(1))
        {
            using (var applier = PageApplier.Open(replica, Reconstruction.PageSizeOf(replica)))
            {
                applier.Apply(LogStore.Read(position));
                applier.Flush();
            }
            if (!expected.TryGetValue(position.Sequence, out var hash)) continue;
            Assert.True(hash == HashOf(replica), $"replica differs from the primary after entry {position.Sequence}");
            checked_++;
        }
        Assert.Equal(expected.Count, checked_);
    }

    [Fact]
    public async Task An_entry_applied_to_a_file_in_another_state_is_refused()
    {
        var primaryPath = Path.Combine(_directory, "primary", "db.sqlite");
        await using var primary = await Database.OpenAsync(primaryPath, cancellationToken: Ct);
        Run(primary, "CREATE TABLE t(v)");
        Run(primary, "INSERT INTO t VALUES (1)");
        Run(primary, "INSERT INTO t VALUES (2)");
        var entries = primary.Log!.Store.Index.All();
        var replica = Path.Combine(_directory, "replica.sqlite");
        File.Copy(primary.Log.Store.Snapshots.LocalPath(entries[0].Sequence), replica);
        using var applier = PageApplier.Open(replica, Reconstruction.PageSizeOf(replica));
        applier.Apply(LogStore.Read(entries[1]));
        var skipped = Assert.Throws<InvalidDataException>(() => applier.Apply(LogStore.Read(entries[3]))); // entry 2 missed
        Assert.Contains($"entry {entries[3].Sequence} starts from checksum", skipped.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
