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
}
