using Atoll.Engine;

namespace Atoll.Server.Protocol;

/// <summary>
/// Turns a query body into the engine's <see cref="QueryRequest"/> once, in the API layer, with each dialect's rules:
/// REST binds numbers exactly and answers every statement; the Workers binding binds numbers as REAL, answers each SQL
/// text once and drops comment-only texts first.
/// </summary>
public static class QueryRequestReader
{
    /// <summary>A REST <c>/query</c> or <c>/raw</c> body; <paramref name="typedReals"/> when Atoll's SDK asked for whole REALs as <c>2.0</c>.</summary>
    /// <exception cref="D1Exception">The body is not a valid query (code 7400).</exception>
    public static QueryRequest Rest(ReadOnlySpan<byte> body, ResultShape shape, bool readOnly, bool typedReals = false)
        => new(QueryBodyParser.Parse(body, NumberBinding.Exact, out _), shape, StatementResults.EachStatement) { ReadOnly = readOnly, TypedReals = typedReals };

    /// <summary>A Workers binding <c>/query</c> or <c>/execute</c> body.</summary>
    /// <exception cref="D1Exception">The body is not a valid query (code 7400).</exception>
    public static QueryRequest Binding(ReadOnlySpan<byte> body, ResultShape shape, bool readOnly)
        => new(CommentOnlySql.Drop(QueryBodyParser.Parse(body, NumberBinding.AsReal, out _)), shape, StatementResults.LastStatement) { ReadOnly = readOnly };
}
