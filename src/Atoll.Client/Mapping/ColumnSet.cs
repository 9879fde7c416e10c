namespace Atoll.Client.Mapping;

/// <summary>A result's column list as a cache key: equal when the names are equal in order.</summary>
internal readonly struct ColumnSet : IEquatable<ColumnSet>
{
    readonly int _hash;

    public ColumnSet(string[] columns)
    {
        Columns = columns;
        var hash = new HashCode();
        foreach (var column in columns) hash.Add(column, StringComparer.Ordinal);
        _hash = hash.ToHashCode();
    }

    public string[] Columns { get; }

    public bool Equals(ColumnSet other) => _hash == other._hash && Columns.AsSpan().SequenceEqual(other.Columns);

    public override bool Equals(object? obj) => obj is ColumnSet other && Equals(other);

    public override int GetHashCode() => _hash;
}
