using Atoll.Engine;

namespace Atoll.Client.Embedded;

/// <summary>
/// The database files open in this process, shared by every <see cref="ID1Database"/> that uses them: the engine needs to be the
/// only writer of a file, so two clients of one file (or two DI containers in one test run) must share one <see cref="Database"/>.
/// </summary>
internal static class EmbeddedDatabases
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, SharedDatabase> Open = new(StringComparer.Ordinal);

    /// <summary>Opens <paramref name="file"/> (creating it) or joins the instance already open.</summary>
    public static EmbeddedLease Acquire(string file, EngineOptions options, ChangeLogOptions? changeLog = null)
    {
        file = Path.GetFullPath(file);
        lock (Gate)
        {
            if (!Open.TryGetValue(file, out var shared))
            {
                shared = new SharedDatabase(file, Database.Open(file, options, changeLog));
                Open[file] = shared;
            }
            shared.References++;
            return new EmbeddedLease(shared);
        }
    }

    /// <summary>Closes <paramref name="file"/> now, for deletion; leases still out then report the database missing.</summary>
    public static void CloseForDelete(string file)
    {
        lock (Gate)
        {
            if (!Open.Remove(Path.GetFullPath(file), out var shared)) return;
            shared.Deleted = true;
            shared.Database.Dispose();
        }
    }

    internal static void Release(SharedDatabase shared)
    {
        lock (Gate)
        {
            if (--shared.References > 0 || shared.Deleted) return;
            Open.Remove(shared.File);
            shared.Database.Dispose();
        }
    }
}
