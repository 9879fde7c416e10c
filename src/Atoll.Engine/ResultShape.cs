namespace Atoll.Engine;

/// <summary>How rows are encoded in each result's <c>results</c> key.</summary>
public enum ResultShape
{
    /// <summary><c>[{"col":value,…},…]</c> — D1's <c>ARRAY_OF_OBJECTS</c> and the REST <c>/query</c>.</summary>
    Objects,
    /// <summary><c>{"columns":[…],"rows":[[…],…]}</c> — D1's <c>ROWS_AND_COLUMNS</c> and the REST <c>/raw</c>.</summary>
    ColumnsAndRows,
    /// <summary>No <c>results</c> key at all.</summary>
    None,
}
