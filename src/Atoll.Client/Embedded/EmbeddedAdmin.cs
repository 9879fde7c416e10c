using Atoll.Client.Admin;
using Atoll.Client.Binding;

namespace Atoll.Client.Embedded;

/// <summary><see cref="IAtollAdmin"/> over an embedded data directory. Synchronous file work: every task it returns is already complete.</summary>
internal sealed class EmbeddedAdmin(EmbeddedStore store) : IAdminBackend
{
    public Task<D1DatabaseInfo> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
        => CompletedTasks.Run(() => store.Measure(store.Create(name ?? throw new ArgumentNullException(nameof(name)))), cancellationToken);

    public Task<IReadOnlyList<D1DatabaseInfo>> ListDatabasesAsync(CancellationToken cancellationToken = default)
        => CompletedTasks.Run<IReadOnlyList<D1DatabaseInfo>>(() => [.. store.List().Select(r => new D1DatabaseInfo(r.Uuid, r.Name, r.CreatedAt))],
            cancellationToken);

    public Task<D1DatabaseInfo?> GetDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default)
        => CompletedTasks.Run(() => store.Find(uuidOrName ?? throw new ArgumentNullException(nameof(uuidOrName))) is { } record ? store.Measure(record) : null,
            cancellationToken);

    public Task<bool> DeleteDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default)
        => CompletedTasks.Run(() => store.Delete(uuidOrName ?? throw new ArgumentNullException(nameof(uuidOrName))), cancellationToken);

    public ID1Database Open(string uuidOrName) => Open(uuidOrName, createIfMissing: false);

    public ID1Database Open(string uuidOrName, bool createIfMissing)
    {
        ArgumentNullException.ThrowIfNull(uuidOrName);
        return new BindingDatabase(new EmbeddedTransport(() => store.Open(uuidOrName, createIfMissing)));
    }

    public Task EnsureAsync(string name, CancellationToken cancellationToken)
        => CompletedTasks.Run(() => store.Find(name) ?? Create(name), cancellationToken);

    EmbeddedRecord Create(string name)
    {
        try
        {
            return store.Create(name);
        }
        catch (D1Exception ex) when (ex.ApiCode == 7502 && store.Find(name) is { } existing)
        {
            return existing; // created concurrently by another client
        }
    }

    public void Dispose()
    {
    }
}
