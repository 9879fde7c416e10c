namespace Atoll.Engine;

/// <summary>SQLite's storage classes, as a bound parameter carries them.</summary>
public enum SqlValueKind : byte
{
    /// <summary>SQL NULL.</summary>
    Null,
    /// <summary>A 64-bit signed integer.</summary>
    Integer,
    /// <summary>A 64-bit float.</summary>
    Real,
    /// <summary>UTF-8 text.</summary>
    Text,
    /// <summary>Bytes.</summary>
    Blob,
}
