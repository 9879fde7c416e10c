using System.Text.Json.Serialization;

namespace Atoll.Server.Catalog;

/// <summary>Source-generated JSON for what the catalog stores as JSON text.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CatalogJson : JsonSerializerContext;
