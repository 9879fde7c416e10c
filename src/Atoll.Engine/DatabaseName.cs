using System.Buffers;

namespace Atoll.Engine;

/// <summary>
/// A database's name, valid by construction: D1's rule (<c>^[a-zA-Z0-9][a-zA-Z0-9_-]*$</c>), at most 255 characters, and not
/// shaped like a uuid — names and uuids share one lookup, so a name must never be mistaken for another database's id.
/// The one owner of the rule: the server's create and fork, and the SDK's embedded store, all parse through it.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/create/"/>
public readonly record struct DatabaseName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>The rule in words, as errors state it.</summary>
    public const string Rule =
        "Database name must start with a letter or digit and contain only letters, digits, '_' and '-' (at most 255 characters, not a uuid).";

    static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    DatabaseName(string value) => Value = value;

    /// <summary>The name's text.</summary>
    public string Value { get; }

    /// <summary>True when <paramref name="text"/> is a valid name.</summary>
    public static bool TryParse(string? text, out DatabaseName name)
    {
        name = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !char.IsAsciiLetterOrDigit(text[0])
            || text.AsSpan().ContainsAnyExcept(Allowed) || Guid.TryParseExact(text, "D", out _)) return false;
        name = new DatabaseName(text);
        return true;
    }

    /// <summary>The name in <paramref name="text"/>.</summary>
    /// <exception cref="D1Exception">7400 with <see cref="Rule"/> when it is not a valid name.</exception>
    public static DatabaseName Parse(string? text)
        => TryParse(text, out var name) ? name : throw new D1Exception(D1ErrorCode.BadRequest, Rule);

    /// <summary>True when <paramref name="text"/> is a valid name.</summary>
    public static bool IsValid(string? text) => TryParse(text, out _);

    /// <inheritdoc/>
    public override string ToString() => Value ?? "";
}
