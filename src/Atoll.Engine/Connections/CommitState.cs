namespace Atoll.Engine.Connections;

/// <summary>
/// What the writer last committed — sequence and size — shared with the readers of the same database, so a
/// read needs no extra SQLite round trips to report its bookmark and <c>size_after</c>.
/// </summary>
/// <remarks>
/// The writer publishes the sequence it is about to commit before COMMIT, so a reader's bookmark is never older
/// than the data it read (a safe upper bound for sessions); a failed commit puts the old value back.
/// </remarks>
internal sealed class CommitState
{
    long _sequence;
    long _size;
    long _lastRowId;

    public long Sequence
    {
        get => Volatile.Read(ref _sequence);
        set => Volatile.Write(ref _sequence, value);
    }

    public long Size
    {
        get => Volatile.Read(ref _size);
        set => Volatile.Write(ref _size, value);
    }

    /// <summary>
    /// The writer's <c>last_insert_rowid()</c> after its last request. SQLite keeps it per connection; D1 has one
    /// connection, so its reads report the last insert too, and Atoll's readers report this value.
    /// </summary>
    public long LastRowId
    {
        get => Volatile.Read(ref _lastRowId);
        set => Volatile.Write(ref _lastRowId, value);
    }
}
