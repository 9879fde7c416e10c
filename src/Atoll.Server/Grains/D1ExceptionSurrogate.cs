using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>
/// A <see cref="D1Exception"/> as it crosses between nodes: its code, D1's wording and SQLite's code, so the node that
/// answers the client gives D1's error (a 404, a 400 …) rather than a 500. Exceptions do not fit the engine types' JSON
/// codec (it cannot write an exception's target site), and Orleans' own exception codec would drop the code.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.d1-exception")]
public readonly record struct D1ExceptionSurrogate(
    [property: Id(0)] int Code,
    [property: Id(1)] string Message,
    [property: Id(2)] int? SqliteExtendedCode);

/// <summary>Converts a <see cref="D1Exception"/> to and from <see cref="D1ExceptionSurrogate"/> for Orleans.</summary>
[RegisterConverter]
public sealed class D1ExceptionConverter : IConverter<D1Exception, D1ExceptionSurrogate>
{
    /// <inheritdoc/>
    public D1Exception ConvertFromSurrogate(in D1ExceptionSurrogate surrogate)
        => new((D1ErrorCode)surrogate.Code, surrogate.Message, surrogate.SqliteExtendedCode);

    /// <inheritdoc/>
    public D1ExceptionSurrogate ConvertToSurrogate(in D1Exception value) => new((int)value.Code, value.Message, value.SqliteExtendedCode);
}
