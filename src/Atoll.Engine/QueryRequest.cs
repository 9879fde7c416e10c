namespace Atoll.Engine;

/// <summary>One D1 request: statements that run atomically in one transaction.</summary>
/// <param name="Statements">The statements, in order.</param>
/// <param name="Shape">How rows are encoded.</param>
/// <param name="Results">Whether each statement of a multi-statement SQL text gets its own result item.</param>
public sealed record QueryRequest(IReadOnlyList<Statement> Statements, ResultShape Shape = ResultShape.Objects,
    StatementResults Results = StatementResults.EachStatement)
{
    /// <summary>When true, any statement that would write fails instead of running (read-only tokens).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A request holding one SQL text.</summary>
    public static QueryRequest Single(string sql, params SqlValue[] parameters) => new([new Statement(sql, parameters)]);
}
