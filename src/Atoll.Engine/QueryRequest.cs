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

    /// <summary>
    /// When true, a REAL holding a whole number is written as <c>2.0</c> rather than <c>2</c> (<c>JSON.stringify</c>'s form, which
    /// D1's wire keeps), so a client can tell it from an INTEGER. Atoll-only: the .NET SDK asks for it.
    /// </summary>
    public bool TypedReals { get; init; }

    /// <summary>
    /// An id that makes the request safe to send again: a write that commits keeps its answer under this id in its
    /// change-log entry (a <c>WriteReceipt</c>), and the same id sent again within <see cref="ReceiptWindow"/> gets that
    /// answer back instead of running a second time — on whichever node owns the database by then. A cluster node gives
    /// every request one, so it can resend a write whose node went away before answering.
    /// </summary>
    public Guid? RequestId { get; init; }

    /// <summary>How long after its commit a write's request id is still recognised.</summary>
    public static TimeSpan ReceiptWindow { get; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// True when the request cannot write, by its token (<see cref="ReadOnly"/>) or by its text alone: every SQL text is
    /// one SELECT or EXPLAIN. Errs towards false. Computed on each call (only failure paths ask: whether a retry is safe).
    /// </summary>
    public bool CannotWrite => ReadOnly || Statements.All(s => Execution.SqlText.IsSingleRead(s.Sql));

    /// <summary>A request holding one SQL text.</summary>
    public static QueryRequest Single(string sql, params SqlValue[] parameters) => new([new Statement(sql, parameters)]);
}
