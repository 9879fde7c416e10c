using System.Globalization;
using System.Text.Json;
using Atoll.Client.Admin;
using Atoll.Client.Binding;

namespace Atoll.Client.Remote;

/// <summary><see cref="IAtollAdmin"/> over the D1 REST API of an Atoll server.</summary>
internal sealed class RemoteAdmin(RemoteConnection connection, bool ownsConnection) : IAdminBackend
{
    const int PageSize = 1000;
    const int MaxPages = 10_000;

    public async Task<D1DatabaseInfo> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var body = NameBody(name);
        var path = await connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false);
        var response = await connection.SendAsync(HttpMethod.Post, path, body, retry: false, cancellationToken).ConfigureAwait(false);
        return ToInfo(Envelope.ReadResult(response, connection.Source));
    }

    public async Task<IReadOnlyList<D1DatabaseInfo>> ListDatabasesAsync(CancellationToken cancellationToken = default)
    {
        var path = await connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false);
        var all = new List<D1DatabaseInfo>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var response = await connection.SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{path}?page={page}&per_page={PageSize}"),
                null, retry: true, cancellationToken).ConfigureAwait(false);
            var items = Envelope.ReadResult(response, connection.Source);
            if (items.ValueKind != JsonValueKind.Array) break;
            foreach (var item in items.EnumerateArray()) all.Add(ToInfo(item));
            if (items.GetArrayLength() < PageSize) break;
        }
        return all;
    }

    public async Task<D1DatabaseInfo?> GetDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uuidOrName);
        var path = $"{await connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false)}/{Uri.EscapeDataString(uuidOrName)}";
        var response = await connection.SendAsync(HttpMethod.Get, path, null, retry: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return null;
        return ToInfo(Envelope.ReadResult(response, connection.Source));
    }

    public async Task<bool> DeleteDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uuidOrName);
        var path = $"{await connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false)}/{Uri.EscapeDataString(uuidOrName)}";
        var response = await connection.SendAsync(HttpMethod.Delete, path, null, retry: false, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return false;
        Envelope.ReadResult(response, connection.Source);
        return true;
    }

    public ID1Database Open(string uuidOrName) => Open(uuidOrName, createIfMissing: false);

    public ID1Database Open(string uuidOrName, bool createIfMissing)
    {
        ArgumentNullException.ThrowIfNull(uuidOrName);
        return new BindingDatabase(new RemoteTransport(connection, this, uuidOrName, createIfMissing, ownsConnection: false));
    }

    /// <summary>Creates the database unless it exists (a concurrent creation counts as existing).</summary>
    public async Task EnsureAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await CreateDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (D1Exception ex) when (ex.ApiCode == 7502)
        {
        }
    }

    static byte[] NameBody(string name)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("name"u8, name);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    internal static D1DatabaseInfo ToInfo(JsonElement item)
    {
        var createdAt = item.TryGetProperty("created_at", out var at) && at.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : default;
        return new D1DatabaseInfo(
            item.GetProperty("uuid").GetString()!,
            item.GetProperty("name").GetString()!,
            createdAt,
            item.TryGetProperty("num_tables", out var tables) && tables.TryGetInt32(out var n) ? n : null,
            item.TryGetProperty("file_size", out var size) && size.TryGetInt64(out var s) ? s : null);
    }

    public void Dispose()
    {
        if (ownsConnection) connection.Dispose();
    }
}
