using Atoll.Server.Transfers;

namespace Atoll.Server.Grains;

/// <summary>What an export wrote, or why it failed.</summary>
/// <param name="Bookmark">The commit the dump shows.</param>
/// <param name="Statements">Statements written.</param>
/// <param name="Bytes">Size of the dump file.</param>
/// <param name="Error">Why it failed; null on success.</param>
/// <param name="File">The dump, staged on the database's node; null on failure.</param>
[GenerateSerializer, Immutable, Alias("atoll.export-reply")]
public sealed record ExportReply(
    [property: Id(0)] string Bookmark,
    [property: Id(1)] long Statements,
    [property: Id(2)] long Bytes,
    [property: Id(3)] string? Error,
    [property: Id(4)] NodeFile? File);
