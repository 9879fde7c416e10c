namespace Atoll.Engine;

/// <summary>SQL text (one or more statements) and the parameters bound to its last statement.</summary>
/// <param name="Sql">The SQL; several statements are split with SQLite's own parser.</param>
/// <param name="Params">Positional parameters, bound by SQLite's parameter index (<c>?</c>, <c>?NNN</c>).</param>
public sealed record Statement(string Sql, IReadOnlyList<SqlValue> Params)
{
    /// <summary>A statement with no parameters.</summary>
    public Statement(string sql) : this(sql, []) { }
}
