using Atoll.Engine;
using Atoll.Server.Protocol;

namespace Atoll.Server.Grains;

/// <summary>A query for a database grain: the request body as received, and how to read and answer it.</summary>
/// <param name="Body">The UTF-8 JSON body, parsed inside the grain so it crosses the grain boundary once, as bytes.</param>
/// <param name="Numbers">How numeric parameters bind.</param>
/// <param name="Shape">How rows are encoded.</param>
/// <param name="Results">One result per statement (REST) or per SQL text (binding).</param>
/// <param name="ReadOnly">True for read-only tokens: writes fail.</param>
/// <param name="TypedReals">True when the caller asked for whole REALs as <c>2.0</c> (<see cref="QueryRequest.TypedReals"/>; the .NET SDK does).</param>
/// <param name="DropCommentOnly">True for the Workers binding: SQL texts holding only comments are dropped first (<see cref="CommentOnlySql"/>).</param>
[GenerateSerializer, Immutable, Alias("atoll.database-call")]
public sealed record DatabaseCall(
    [property: Id(0)] byte[] Body,
    [property: Id(1)] NumberBinding Numbers,
    [property: Id(2)] ResultShape Shape,
    [property: Id(3)] StatementResults Results,
    [property: Id(4)] bool ReadOnly,
    [property: Id(5)] bool DropCommentOnly = false,
    [property: Id(6)] bool TypedReals = false);
