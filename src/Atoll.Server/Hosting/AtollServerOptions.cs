namespace Atoll.Server.Hosting;

/// <summary>Server settings: where data lives, request limits and how long idle databases stay open.</summary>
public sealed class AtollServerOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Atoll";

    /// <summary>Where the catalog, the admin token and every database live (<c>ATOLL_DATA_DIR</c>, <c>--data-dir</c>).</summary>
    public string DataDirectory { get; set; } = ".atoll";

    /// <summary>The admin token (<c>ATOLL_ADMIN_TOKEN</c>); generated and written to the data directory when unset.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Largest request body accepted by the query endpoints, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a database stays open after its last request before its grain deactivates and closes it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most databases open at once; 0 derives it from the process's open-file limit.</summary>
    public int MaxOpenDatabases { get; set; }

    /// <summary>Orleans silo port; 0 picks a free one.</summary>
    public int SiloPort { get; set; }

    /// <summary>Orleans gateway port; 0 picks a free one.</summary>
    public int GatewayPort { get; set; }

    /// <summary>Requests that may wait for one busy database at once; more are refused with D1's overloaded error (7429, HTTP 429).</summary>
    public int MaxQueuedRequests { get; set; } = 128;

    /// <summary>How long a request may wait for a busy database before it is refused with D1's overloaded error.</summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On SIGTERM, how long requests in flight (writes included) may take to finish before the server closes anyway.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Name of the account created on first start.</summary>
    public string DefaultAccountName { get; set; } = "default";

    /// <summary>Throws with a clear message when a setting is unusable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new InvalidOperationException("Atoll:DataDirectory must be set.");
        if (MaxRequestBodyBytes < 1024) throw new InvalidOperationException("Atoll:MaxRequestBodyBytes must be at least 1024.");
        if (IdleTimeout < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("Atoll:IdleTimeout must be at least 1 second.");
        if (MaxQueuedRequests < 0) throw new InvalidOperationException("Atoll:MaxQueuedRequests must be 0 or more.");
        if (MaxQueueWait < TimeSpan.Zero) throw new InvalidOperationException("Atoll:MaxQueueWait must not be negative.");
        if (ShutdownTimeout < TimeSpan.Zero) throw new InvalidOperationException("Atoll:ShutdownTimeout must not be negative.");
        if (AdminToken is { Length: < 16 }) throw new InvalidOperationException("ATOLL_ADMIN_TOKEN must be at least 16 characters.");
    }
}
