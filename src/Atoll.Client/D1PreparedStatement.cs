using System.Text.Json;
using Atoll.Client.Mapping;
using Atoll.Client.Protocol;
using Atoll.Client.Binding;
using Atoll.Engine;

namespace Atoll.Client;

/// <summary>
/// A SQL text and the values bound to it. Immutable, as in D1: <see cref="Bind"/> returns a new statement, so one prepared
/// statement can be shared and bound differently by concurrent callers.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/"/>
public sealed class D1PreparedStatement
{
    readonly IStatementRunner _runner;

    internal D1PreparedStatement(IStatementRunner runner, Statement statement)
    {
        _runner = runner;
        Statement = statement;
    }

    internal Statement Statement { get; }

    /// <summary>The SQL text.</summary>
    public string Sql => Statement.Sql;

    /// <summary>
    /// Returns a statement with <paramref name="values"/> bound to <c>?</c> / <c>?NNN</c> in order, replacing any bound before.
    /// Accepted: null, <see cref="bool"/> (as 1/0), integers up to 64 bits, <see cref="float"/>/<see cref="double"/> (NaN and
    /// infinities become NULL, as in D1), <see cref="string"/>, <see cref="char"/>, enums (their number), and bytes
    /// (<see cref="byte"/>[], <see cref="ReadOnlyMemory{T}"/>, <see cref="ArraySegment{T}"/>) as a BLOB.
    /// </summary>
    /// <exception cref="D1Exception"><c>D1_TYPE_ERROR</c> for any other type (dates, decimals, GUIDs, objects), before any request is sent.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#bind"/>
    public D1PreparedStatement Bind(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var converted = new SqlValue[values.Length];
        for (var i = 0; i < values.Length; i++) converted[i] = ParameterConverter.ToSqlValue(values[i]);
        return new D1PreparedStatement(_runner, new Statement(Statement.Sql, converted));
    }

    /// <summary>Runs the statement and returns its first row mapped to <typeparamref name="T"/>, or default when there is none.</summary>
    /// <remarks>As in D1 the whole query runs (no <c>LIMIT 1</c> is added). For a value type use its nullable form to tell "no row" apart.</remarks>
    /// <exception cref="D1Exception">The query failed.</exception>
    /// <exception cref="InvalidCastException">A column does not fit the member it maps to; the message names both.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#first"/>
    public async Task<T?> FirstAsync<T>(CancellationToken cancellationToken = default)
        => RowMapper.MapFirst<T>(await RunOneAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Runs the statement and returns <paramref name="column"/> of its first row, or default when there is no row or the value is NULL.</summary>
    /// <exception cref="D1Exception"><c>D1_COLUMN_NOTFOUND</c> when there is a row but no such column; <c>D1_ERROR</c> when the query failed.</exception>
    /// <exception cref="InvalidCastException">The value does not fit <typeparamref name="T"/>.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#first"/>
    public async Task<T?> FirstAsync<T>(string column, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(column);
        return RowMapper.MapFirstColumn<T>(await RunOneAsync(cancellationToken).ConfigureAwait(false), column);
    }

    /// <summary>Runs the statement and returns its first row as a JSON object (duplicate column names: the last wins), or null.</summary>
    /// <exception cref="D1Exception">The query failed.</exception>
    public async Task<JsonElement?> FirstAsync(CancellationToken cancellationToken = default)
    {
        var result = await RunOneAsync(cancellationToken).ConfigureAwait(false);
        return result.RowCount == 0 ? null : RowMapper.MapFirst<JsonElement>(result);
    }

    /// <summary>Runs the statement and returns every row mapped to <typeparamref name="T"/>, with the statement's meta.</summary>
    /// <exception cref="D1Exception">The query failed.</exception>
    /// <exception cref="InvalidCastException">A column does not fit the member it maps to; the message names both.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#all"/>
    public async Task<D1Result<T>> AllAsync<T>(CancellationToken cancellationToken = default)
    {
        var result = await RunOneAsync(cancellationToken).ConfigureAwait(false);
        return new D1Result<T>(result, RowMapper.MapAll<T>(result));
    }

    /// <summary>Runs the statement and returns every row as a JSON object, with the statement's meta.</summary>
    /// <exception cref="D1Exception">The query failed.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#all"/>
    public Task<D1Result<JsonElement>> AllAsync(CancellationToken cancellationToken = default) => AllAsync<JsonElement>(cancellationToken);

    /// <summary>
    /// Runs the statement and returns its rows as arrays of values (<see cref="long"/>, <see cref="double"/>, <see cref="string"/>,
    /// <see cref="byte"/>[] or null), keeping duplicate columns. With <paramref name="columnNames"/> the first array holds the column
    /// names, even when there are no rows.
    /// </summary>
    /// <exception cref="D1Exception">The query failed.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#raw"/>
    public async Task<IReadOnlyList<object?[]>> RawAsync(bool columnNames = false, CancellationToken cancellationToken = default)
        => RowMapper.MapRaw(await RunOneAsync(cancellationToken).ConfigureAwait(false), columnNames);

    /// <summary>Runs the statement for its effect and returns its meta (and any rows, e.g. from <c>RETURNING</c>).</summary>
    /// <exception cref="D1Exception">The statement failed.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/prepared-statements/#run"/>
    public Task<D1Result<JsonElement>> RunAsync(CancellationToken cancellationToken = default) => AllAsync<JsonElement>(cancellationToken);

    async Task<StatementResult> RunOneAsync(CancellationToken cancellationToken)
        => (await _runner.RunAsync([Statement], isBatch: false, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The SQL text.</summary>
    public override string ToString() => Sql;
}
