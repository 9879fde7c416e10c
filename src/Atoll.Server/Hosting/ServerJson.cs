using System.Text.Json.Serialization;

namespace Atoll.Server.Hosting;

/// <summary>Source-generated JSON for the server's own small bodies.</summary>
[JsonSerializable(typeof(HealthStatus))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ServerJson : JsonSerializerContext;
