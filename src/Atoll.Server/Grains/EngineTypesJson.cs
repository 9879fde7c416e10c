using System.Text.Json;

namespace Atoll.Server.Grains;

/// <summary>How engine types (requests, totals, options) are written when a grain call crosses silos.</summary>
public static class EngineTypesJson
{
    /// <summary>System.Text.Json defaults plus the converters for the types it cannot round-trip alone.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Converters = { new SqlValueJsonConverter(), new StatementJsonConverter() } };
}
