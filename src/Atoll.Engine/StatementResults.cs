namespace Atoll.Engine;

/// <summary>Which statements of a multi-statement SQL text produce a result item.</summary>
public enum StatementResults
{
    /// <summary>One result item per statement (the REST API's <c>/query</c> and <c>/raw</c>).</summary>
    EachStatement,
    /// <summary>One result item per SQL text, holding the last statement's rows (the Workers binding's <c>prepare()</c>).</summary>
    LastStatement,
}
