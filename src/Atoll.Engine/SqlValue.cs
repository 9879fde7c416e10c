using System.Text;

namespace Atoll.Engine;

/// <summary>One bound parameter: NULL, an exact 64-bit integer, a double, text or bytes.</summary>
public readonly struct SqlValue : IEquatable<SqlValue>
{
    readonly long _integer;
    readonly double _real;
    readonly object? _reference; // string or UTF-8 byte[] for Text, byte[] for Blob

    SqlValue(SqlValueKind kind, long integer = 0, double real = 0, object? reference = null)
        => (Kind, _integer, _real, _reference) = (kind, integer, real, reference);

    /// <summary>The storage class.</summary>
    public SqlValueKind Kind { get; }

    /// <summary>SQL NULL.</summary>
    public static SqlValue Null => default;

    /// <summary>An exact 64-bit integer.</summary>
    public static SqlValue FromInteger(long value) => new(SqlValueKind.Integer, integer: value);

    /// <summary>A double.</summary>
    public static SqlValue FromReal(double value) => new(SqlValueKind.Real, real: value);

    /// <summary>Text.</summary>
    public static SqlValue FromText(string value) => new(SqlValueKind.Text, reference: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Text already encoded as UTF-8 (kept as is, to skip a conversion).</summary>
    public static SqlValue FromUtf8Text(byte[] utf8) => new(SqlValueKind.Text, reference: utf8 ?? throw new ArgumentNullException(nameof(utf8)));

    /// <summary>A BLOB.</summary>
    public static SqlValue FromBlob(byte[] value) => new(SqlValueKind.Blob, reference: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>The integer value.</summary>
    public long Integer => _integer;

    /// <summary>The double value.</summary>
    public double Real => _real;

    /// <summary>The text value as a string.</summary>
    public string Text => _reference switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => "",
    };

    /// <summary>The BLOB value.</summary>
    public byte[] Blob => _reference as byte[] ?? [];

    internal object? Reference => _reference;

    /// <inheritdoc/>
    public bool Equals(SqlValue other) => Kind == other.Kind && Kind switch
    {
        SqlValueKind.Integer => _integer == other._integer,
        SqlValueKind.Real => _real.Equals(other._real),
        SqlValueKind.Text => Text == other.Text,
        SqlValueKind.Blob => Blob.AsSpan().SequenceEqual(other.Blob),
        _ => true,
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SqlValue v && Equals(v);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _real, Kind == SqlValueKind.Text ? Text : null);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        SqlValueKind.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        SqlValueKind.Real => _real.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        SqlValueKind.Text => Text,
        SqlValueKind.Blob => $"<{Blob.Length} bytes>",
        _ => "null",
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(SqlValue left, SqlValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SqlValue left, SqlValue right) => !left.Equals(right);
}
