using System.Buffers.Binary;
using Atoll.Engine.ChangeLog;
using Atoll.Engine.Connections;

namespace Atoll.Engine.Replication;

/// <summary>
/// A read-only copy of a database in its own file, kept current by applying its primary's change-log entries in order
/// with the <see cref="PageApplier"/> (checksum-verified before and after each). Serves read-only requests on its own
/// readers; every answer reports the replica's region and <c>served_by_primary: false</c>.
/// </summary>
/// <remarks>
/// SQLite readers cache pages and would not notice pages written under them, so an apply holds the readers off: it waits
/// for the reads in flight, closes the readers, applies a whole batch, and opens fresh readers on the new state. A read
/// therefore sees the state before a batch or after it, never a torn one. A marker file written before an apply and
/// removed after its flush tells a restarted replica that its file may be torn; it then starts again from a copy.
/// The file's header carries the commit sequence (the primary's page 1), so a restarted replica resumes from it.
/// </remarks>
public sealed class ReadReplica : IDisposable
{
    readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion); // writer-preferring: applies are not starved
    readonly EngineOptions _options;
    readonly CommitState _state = new();
    readonly PageChecksum _checksum;
    ReaderPool _readers;
    bool _disposed;

    ReadReplica(string path, EngineOptions options, PageChecksum checksum, long sequence, long commitTimeMs)
    {
        Path = path;
        _options = options;
        _checksum = checksum;
        _state.Sequence = sequence;
        AppliedCommitTime = DateTimeOffset.FromUnixTimeMilliseconds(commitTimeMs);
        _readers = new ReaderPool(path, options, _state);
    }

    /// <summary>The replica's file.</summary>
    public string Path { get; }

    /// <summary>The last commit applied: every answer reflects at least this one.</summary>
    public Bookmark Applied => new(_state.Sequence);

    /// <summary>When the primary made the last applied commit (unknown after a restart until the next apply: the file's time).</summary>
    public DateTimeOffset AppliedCommitTime { get; private set; }

    /// <summary>The primary's commit times (ms since the epoch) of the entries the last batch applied.</summary>
    public IReadOnlyList<long> LastBatchCommitTimesMs { get; private set; } = [];

    static string MarkerPath(string path) => path + ".applying";

    /// <summary>
    /// Opens the replica at <paramref name="path"/>; null when there is none to trust (no file, or an apply was interrupted):
    /// the caller seeds a new copy with <see cref="Seed"/>.
    /// </summary>
    public static ReadReplica? TryOpen(string path, EngineOptions primaryOptions, string region)
    {
        if (!File.Exists(path) || File.Exists(MarkerPath(path)))
        {
            DeleteFiles(path);
            return null;
        }
        var pageSize = Reconstruction.PageSizeOf(path);
        var checksum = PageChecksum.OfFile(path, pageSize);
        return new ReadReplica(path, primaryOptions.ForReplica(region), checksum, SequenceOf(path),
            new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// Makes <paramref name="copy"/> (the primary's state at a durable commit, e.g. from <see cref="Database.ForkAsync"/>)
    /// the replica's file at <paramref name="path"/>, replacing any older one, and opens it.
    /// </summary>
    public static ReadReplica Seed(string copy, string path, EngineOptions primaryOptions, string region)
    {
        DeleteFiles(path);
        File.Move(copy, path);
        return TryOpen(path, primaryOptions, region) ?? throw new InvalidOperationException($"{path} vanished while being seeded");
    }

    /// <summary>Deletes the replica's file and its companions.</summary>
    public static void DeleteFiles(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", ".applying" }) File.Delete(path + suffix);
    }

    /// <summary>Runs <paramref name="request"/> if every statement is read-only; null (nothing ran) when it writes.</summary>
    /// <exception cref="D1Exception">The SQL failed.</exception>
    public EncodedResult? TryExecuteRead(QueryRequest request, CancellationToken cancellationToken = default)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var reader = _readers.Rent(cancellationToken);
            try
            {
                return reader.Executor.TryExecuteReadOnly(request, cancellationToken);
            }
            finally
            {
                _readers.Return(reader);
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Applies encoded entries (from <see cref="Database.ReadLogEntries"/>) in order, skipping those already applied.
    /// Returns false, applying nothing more, when the next entry does not continue this copy (a restore or baseline on
    /// the primary, a gap, or a checksum that does not match): the caller seeds a new copy.
    /// </summary>
    public bool Apply(IReadOnlyList<byte[]> encoded)
    {
        var entries = new List<LogEntry>(encoded.Count);
        var next = _state.Sequence + 1;
        var continues = true;
        foreach (var bytes in encoded)
        {
            var entry = LogEntry.TryDecode(bytes) ?? throw new InvalidDataException("a log entry sent to the replica is corrupt");
            if (entry.Sequence < next) continue;
            var checksumBefore = entries.Count == 0 ? _checksum.Value : entries[^1].ChecksumAfter;
            if (entry.Sequence != next || entry.Kind != LogEntryKind.Commit || entry.ChecksumBefore != checksumBefore)
            {
                continues = false;
                break;
            }
            entries.Add(entry);
            next++;
        }
        if (entries.Count > 0) ApplyBatch(entries);
        return continues;
    }

    void ApplyBatch(List<LogEntry> entries)
    {
        _gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _readers.Dispose();
            File.WriteAllBytes(MarkerPath(Path), []);
            using (var applier = PageApplier.Open(Path, _checksum))
            {
                foreach (var entry in entries) applier.Apply(entry);
                applier.Flush();
            }
            File.Delete(MarkerPath(Path));
            _state.Sequence = entries[^1].Sequence;
            AppliedCommitTime = DateTimeOffset.FromUnixTimeMilliseconds(entries[^1].CommitTimeMs);
            LastBatchCommitTimesMs = [.. entries.Select(e => e.CommitTimeMs)];
            _readers = new ReaderPool(Path, _options, _state);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    // The commit sequence in the header: user_version (offset 60) low, application_id (offset 68) high, big-endian.
    static long SequenceOf(string path)
    {
        Span<byte> header = stackalloc byte[72];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        return CommitSequence.Join(BinaryPrimitives.ReadInt32BigEndian(header[68..]), BinaryPrimitives.ReadInt32BigEndian(header[60..]));
    }

    /// <summary>Waits for reads in flight, then closes the readers; the file stays.</summary>
    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _readers.Dispose();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }
}
