namespace Atoll.Server.Hosting;

/// <summary>The data directory is locked by another Atoll server.</summary>
public sealed class DataDirectoryInUseException(string dataDirectory, Exception inner)
    : Exception($"the data directory {dataDirectory} is in use by another Atoll server (it holds {Path.Combine(dataDirectory, "lock")}); " +
        "stop that server or choose another --data-dir", inner);
