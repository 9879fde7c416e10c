using System.Globalization;

namespace Atoll.Engine;

/// <summary>
/// Names a commit of one database. Fixed-width lowercase hex in D1's shape
/// (<c>XXXXXXXX-XXXXXXXX-XXXXXXXX-&lt;32 hex&gt;</c>), so ordinal string order equals commit order.
/// </summary>
/// <param name="Sequence">The commit's position in the database's log (0 before the first write).</param>
public readonly record struct Bookmark(long Sequence) : IComparable<Bookmark>
{
    /// <summary>The D1-shaped text: the sequence split into two 32-bit halves, then reserved zero fields.</summary>
    public override string ToString() => string.Create(59, Sequence, static (text, sequence) =>
    {
        // Every reply carries one: written straight into the string, not through an interpolation handler.
        ((uint)(sequence >> 32)).TryFormat(text, out _, "x8", CultureInfo.InvariantCulture);
        ((uint)sequence).TryFormat(text[9..], out _, "x8", CultureInfo.InvariantCulture);
        text[8] = '-';
        "-00000000-".CopyTo(text[17..]);
        text[27..].Fill('0');
    });

    /// <summary>Parses the D1-shaped text; false when <paramref name="text"/> is not a bookmark.</summary>
    public static bool TryParse(string? text, out Bookmark bookmark)
    {
        bookmark = default;
        if (text is null || text.Length != 59 || text[8] != '-' || text[17] != '-' || text[26] != '-') return false;
        foreach (var c in text)
            if (c != '-' && !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        if (!uint.TryParse(text.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(text.AsSpan(9, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low)) return false;
        bookmark = new Bookmark(((long)high << 32) | low);
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(Bookmark other) => Sequence.CompareTo(other.Sequence);
}
