namespace Atoll.Server.Catalog;

/// <summary>What an API token may do: D1 Read or D1 Edit.</summary>
public enum TokenPermission
{
    /// <summary>Read-only queries and metadata.</summary>
    Read,
    /// <summary>Everything within its scope: writes, create, delete.</summary>
    Edit,
}
