using Atoll.Engine.Storage;

namespace Atoll.Server.Storage;

/// <summary>The server's object store as a DI singleton; <see cref="Store"/> is null when backups are off.</summary>
public sealed record ObjectStoreHolder(IObjectStore? Store);
