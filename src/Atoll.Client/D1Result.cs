using Atoll.Client.Mapping;
using Atoll.Client.Protocol;

namespace Atoll.Client;

/// <summary>One statement's outcome: <see cref="Success"/>, <see cref="Meta"/>, and its rows, readable as any row type with <see cref="As{TRow}"/>.</summary>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/return-object/#d1result"/>
public class D1Result
{
    private protected D1Result(StatementResult source) => Source = source;

    internal StatementResult Source { get; }

    /// <summary>Always true: a failed statement throws <see cref="D1Exception"/> instead.</summary>
    public bool Success => true;

    /// <summary>What the statement did.</summary>
    public D1Meta Meta => Source.Meta;

    /// <summary>The result's column names, in order (duplicates kept).</summary>
    public IReadOnlyList<string> Columns => Source.Columns;

    /// <summary>The same rows mapped to <typeparamref name="TRow"/> (a record, a class, a dictionary, <see cref="System.Text.Json.JsonElement"/> or a scalar).</summary>
    /// <exception cref="InvalidCastException">A column's value does not fit the member it maps to; the message names both.</exception>
    public D1Result<TRow> As<TRow>() => new(Source, RowMapper.MapAll<TRow>(Source));
}

/// <summary>One statement's outcome with its rows mapped to <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The row type.</typeparam>
public sealed class D1Result<T> : D1Result
{
    internal D1Result(StatementResult source, IReadOnlyList<T> results) : base(source) => Results = results;

    /// <summary>The rows; empty for statements that return none.</summary>
    public IReadOnlyList<T> Results { get; }
}
