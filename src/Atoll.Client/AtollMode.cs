namespace Atoll.Client;

/// <summary>Where the databases live.</summary>
public enum AtollMode
{
    /// <summary>In this process, on Atoll's engine, in a data directory: no server (tests, local development).</summary>
    Embedded,

    /// <summary>On an Atoll server, over its HTTP API.</summary>
    Remote,
}
