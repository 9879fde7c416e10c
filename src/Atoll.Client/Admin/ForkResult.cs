namespace Atoll.Client.Admin;

/// <summary>A database forked from another at a point in its history.</summary>
/// <param name="Database">The new database.</param>
/// <param name="SourceUuid">The uuid of the database it was forked from.</param>
/// <param name="Bookmark">The bookmark of the source's state it starts from.</param>
public sealed record ForkResult(D1DatabaseInfo Database, string SourceUuid, string Bookmark);
