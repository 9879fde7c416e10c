using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Reads the cell the reader is on (a number, string, null or byte array) as a <typeparamref name="TValue"/>.</summary>
/// <exception cref="InvalidOperationException">The cell's JSON type does not fit.</exception>
/// <exception cref="FormatException">The cell's text does not parse as <typeparamref name="TValue"/>.</exception>
internal delegate TValue CellReader<TValue>(ref Utf8JsonReader reader);
