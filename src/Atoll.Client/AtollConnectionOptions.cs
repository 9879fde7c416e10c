using Atoll.Engine;

namespace Atoll.Client;

/// <summary>How to reach Atoll: an embedded data directory, or a server's URL with an API token.</summary>
public abstract class AtollConnectionOptions
{
    /// <summary>Embedded (the default) or Remote.</summary>
    public AtollMode Mode { get; set; } = AtollMode.Embedded;

    /// <summary>Embedded: the folder holding the databases (one subfolder each).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Remote: the server's base URL, e.g. <c>http://127.0.0.1:8787</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Remote: the API token (sent as <c>Authorization: Bearer</c>).</summary>
    public string? ApiToken { get; set; }

    /// <summary>Remote: the account id; when unset, the token's only account is used.</summary>
    public string? AccountId { get; set; }

    /// <summary>Remote: how long one attempt may take before it fails (default 60 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Remote: retries of read-only queries after a transient failure, as D1 does (0 to 2; default 2).</summary>
    public int MaxReadRetries { get; set; } = 2;

    /// <summary>
    /// Remote: retry writes too (as many times as reads), each sent with an <c>Idempotency-Key</c>, so that a resend of a
    /// write whose answer was lost gets the first answer back instead of running twice. Off by default: the server must
    /// keep a change log (Time Travel on, its default), or it refuses keyed writes. Atoll only (D1 retries no write).
    /// </summary>
    public bool RetryWrites { get; set; }

    /// <summary>Embedded: the engine's limits (D1's by default).</summary>
    public EngineOptions Engine { get; set; } = new();

    /// <summary>
    /// Embedded: the change log — retention, object store and durability policy (<see cref="ChangeLogOptions.WaitForUpload"/>:
    /// a write returns only once it is in the store). Each database's objects go under <c>&lt;name&gt;/</c>. Null: a local log only.
    /// </summary>
    public ChangeLogOptions? ChangeLog { get; set; }

    /// <summary>What is wrong with these settings, each naming the setting under <paramref name="path"/>; empty when they are usable.</summary>
    public virtual IReadOnlyList<string> Validate(string path)
    {
        var problems = new List<string>();
        if (Mode == AtollMode.Embedded)
        {
            if (string.IsNullOrWhiteSpace(DataDirectory)) problems.Add($"{path}:DataDirectory is required in Embedded mode (a folder for the database files).");
            try
            {
                Engine.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                problems.Add($"{path}:Engine:{ex.ParamName} is out of range.");
            }
        }
        else if (Mode == AtollMode.Remote)
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                problems.Add($"{path}:Url must be the server's absolute http(s) URL in Remote mode, e.g. http://127.0.0.1:8787 (got '{Url}').");
            if (string.IsNullOrWhiteSpace(ApiToken)) problems.Add($"{path}:ApiToken is required in Remote mode.");
        }
        else
        {
            problems.Add($"{path}:Mode must be Embedded or Remote.");
        }
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromDays(1)) problems.Add($"{path}:Timeout must be positive and at most a day (got {Timeout}).");
        if (MaxReadRetries is < 0 or > 2) problems.Add($"{path}:MaxReadRetries must be 0, 1 or 2 (D1 retries a read at most twice; got {MaxReadRetries}).");
        return problems;
    }
}
