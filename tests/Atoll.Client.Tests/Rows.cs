namespace Atoll.Client.Tests;

/// <summary>A positional record: mapped through its constructor.</summary>
public sealed record User(long Id, string Name, string? Email, bool IsAdmin, double? Score, byte[]? Avatar, DateTime CreatedAt);

/// <summary>A class with settable properties: mapped by property.</summary>
public sealed class UserRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public bool IsAdmin { get; set; }
    public int? Unused { get; set; }
}

/// <summary>A record whose constructor needs a column the query may not give.</summary>
public sealed record Named(long Id, string Name);

/// <summary>A record with an optional constructor parameter.</summary>
public sealed record WithDefault(long Id, string Label = "none");

public enum Color
{
    Red = 1,
    Green = 2,
}

/// <summary>A row with an enum member, for text that names no member.</summary>
public sealed record Painted(long Id, Color Color);
