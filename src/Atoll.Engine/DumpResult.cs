namespace Atoll.Engine;

/// <summary>What a dump wrote.</summary>
/// <param name="Bookmark">The commit the dump's snapshot shows.</param>
/// <param name="Statements">SQL statements written.</param>
/// <param name="Bytes">Bytes written.</param>
public sealed record DumpResult(Bookmark Bookmark, long Statements, long Bytes);
