namespace Atoll.Server.Protocol;

/// <summary>How JSON numbers in <c>params</c> become SQL values.</summary>
public enum NumberBinding
{
    /// <summary>Integers stay exact 64-bit integers; numbers with a fraction or exponent are doubles (the REST API, the .NET SDK).</summary>
    Exact,
    /// <summary>Every number is a double, as workerd's D1 binding delivers them to D1 (the binding protocol).</summary>
    AsReal,
}
