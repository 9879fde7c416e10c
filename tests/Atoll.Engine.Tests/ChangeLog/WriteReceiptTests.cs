using System.Text;
using System.Text.Json;
using Atoll.Engine.ChangeLog;
using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

/// <summary>
/// A write sent again with the same request id — a cluster node resending it after the owner's node went away — is
/// answered from the first commit's receipt, by this owner or by the next one (which has only the log), never run twice.
/// </summary>
public sealed class WriteReceiptTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-receipts-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string DbPath => Path.Combine(_directory, "db", "db.sqlite");

    static QueryRequest Insert(Guid id, int n)
        => new QueryRequest([new Statement("INSERT INTO t(n) VALUES (?) RETURNING id, n", [SqlValue.FromInteger(n)])]) { RequestId = id };

    static long Count(Database db)
    {
        using var json = JsonDocument.Parse(db.Execute(QueryRequest.Single("SELECT count(*) AS c FROM t"), Ct).Json);
        return json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetInt64();
    }

    static async Task<Database> OpenAsync(string path, IObjectStore? store = null, TimeProvider? clock = null)
    {
        var db = await Database.OpenAsync(path, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/", Clock = clock ?? TimeProvider.System },
            cancellationToken: Ct);
        db.Execute(QueryRequest.Single("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, n INTEGER UNIQUE)"), Ct);
        return db;
    }

    [Fact]
    public async Task The_same_request_id_again_gets_the_first_answer_and_commits_nothing()
    {
        await using var db = await OpenAsync(DbPath);
        var id = Guid.NewGuid();
        var first = db.Execute(Insert(id, 7), Ct);
        var again = db.Execute(Insert(id, 7), Ct); // n is UNIQUE: a second run would fail
        Assert.Equal(Encoding.UTF8.GetString(first.Json), Encoding.UTF8.GetString(again.Json));
        Assert.Equal(first.Bookmark, again.Bookmark);
        Assert.Equal(first.Totals, again.Totals);
        Assert.Equal(first.Bookmark, db.CurrentBookmark);
        Assert.Equal(1, Count(db));
        // Another id is another request: it runs (and here fails on the UNIQUE constraint, as it should).
        var ex = Assert.Throws<D1Exception>(() => db.Execute(Insert(Guid.NewGuid(), 7), Ct));
        Assert.Contains("UNIQUE", ex.Message);
    }

    [Fact]
    public async Task A_request_without_an_id_runs_every_time_and_its_entry_stays_in_the_v2_format()
    {
        await using var db = await OpenAsync(DbPath);
        db.Execute(new QueryRequest([new Statement("INSERT INTO t(n) VALUES (1)")]), Ct);
        db.Execute(new QueryRequest([new Statement("INSERT INTO t(n) VALUES (2)")]), Ct);
        Assert.Equal(2, Count(db));
        var segment = Directory.GetFiles(Path.GetDirectoryName(DbPath)!, "*.seg", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(segment);
        Assert.DoesNotContain("ATL3", Encoding.ASCII.GetString(bytes));
        db.Execute(Insert(Guid.NewGuid(), 3), Ct);
        Assert.Contains("ATL3", Encoding.ASCII.GetString(File.ReadAllBytes(segment)));
    }

    [Fact]
    public async Task A_reopened_database_still_recognises_a_request_committed_before_it_closed()
    {
        var id = Guid.NewGuid();
        string firstJson;
        await using (var db = await OpenAsync(DbPath))
        {
            firstJson = Encoding.UTF8.GetString(db.Execute(Insert(id, 1), Ct).Json);
            for (var n = 2; n < 50; n++) db.Execute(Insert(Guid.NewGuid(), n), Ct); // the receipt is deep in the tail
        }
        await using var reopened = await OpenAsync(DbPath);
        var again = reopened.Execute(Insert(id, 1), Ct);
        Assert.Equal(firstJson, Encoding.UTF8.GetString(again.Json));
        Assert.Equal(49, Count(reopened));
    }

    [Fact]
    public async Task A_new_owner_rebuilt_from_the_object_store_answers_the_retry_from_the_receipt()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        var id = Guid.NewGuid();
        EncodedResult first;
        await using (var db = await OpenAsync(DbPath, store))
        {
            first = db.Execute(Insert(id, 42), Ct);
            db.Execute(Insert(Guid.NewGuid(), 43), Ct);
            await db.WaitForUploadAsync(db.CurrentBookmark, TimeSpan.FromSeconds(30), Ct);
        }
        // Another machine: nothing local, only the shared store.
        await using var owner = await OpenAsync(Path.Combine(_directory, "other", "db.sqlite"), store);
        var before = owner.CurrentBookmark;
        var again = owner.Execute(Insert(id, 42), Ct);
        Assert.Equal(Encoding.UTF8.GetString(first.Json), Encoding.UTF8.GetString(again.Json));
        Assert.Equal(first.Bookmark, again.Bookmark);
        Assert.Equal(before, owner.CurrentBookmark);
        Assert.Equal(2, Count(owner));
    }

    [Fact]
    public async Task A_request_id_is_forgotten_after_the_receipt_window()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var db = await OpenAsync(DbPath, clock: clock);
        var id = Guid.NewGuid();
        db.Execute(new QueryRequest([new Statement("INSERT INTO t(n) VALUES (abs(random()))")]) { RequestId = id }, Ct);
        clock.Advance(QueryRequest.ReceiptWindow - TimeSpan.FromSeconds(5));
        db.Execute(new QueryRequest([new Statement("INSERT INTO t(n) VALUES (abs(random()))")]) { RequestId = id }, Ct);
        Assert.Equal(1, Count(db));
        clock.Advance(TimeSpan.FromSeconds(10));
        db.Execute(new QueryRequest([new Statement("INSERT INTO t(n) VALUES (abs(random()))")]) { RequestId = id }, Ct);
        Assert.Equal(2, Count(db));
    }

    [Fact]
    public void An_entry_with_a_receipt_round_trips_and_its_receipt_is_found_from_the_header_alone()
    {
        var result = new EncodedResult("[{\"results\":[],\"success\":true}]"u8.ToArray(), 1, new QueryTotals(1, 2, 0, true, 8192, 0.5, false));
        var id = Guid.NewGuid();
        var entry = new LogEntry(9, 1000, LogEntryKind.Commit, 0, 512, 2, 1, 2, [new PageImage(2, new byte[512])], Epoch: 3,
            Receipt: new WriteReceipt(id, result).Encode());
        var bytes = entry.Encode();
        var decoded = LogEntry.TryDecode(bytes)!;
        Assert.Equal(3, decoded.Epoch);
        Assert.Single(decoded.Pages);
        var range = LogEntry.ReceiptRange(bytes.AsSpan(0, LogEntry.ReceiptHeaderBytes), bytes.Length)!.Value;
        var receipt = WriteReceipt.Decode(bytes.AsSpan(range.Offset, range.Length), 9)!;
        Assert.Equal(id, receipt.RequestId);
        Assert.Equal(result.Json, receipt.Result.Json);
        Assert.Equal(result.Totals, receipt.Result.Totals);
        Assert.Equal(new Bookmark(9), receipt.Result.Bookmark);
        Assert.Equal(decoded.Receipt, bytes.AsSpan(range.Offset, range.Length).ToArray());
        bytes[range.Offset] ^= 1;
        Assert.Null(LogEntry.TryDecode(bytes)); // the CRC covers the receipt
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
