using Atoll.Engine;

namespace Atoll.Client.Embedded;

/// <summary>One open database file and how many leases share it.</summary>
internal sealed class SharedDatabase(string file, Database database)
{
    public string File { get; } = file;

    public Database Database { get; } = database;

    public int References { get; set; }

    /// <summary>Set when the database was deleted while leases were still out; they then report it missing.</summary>
    public bool Deleted { get; set; }
}
