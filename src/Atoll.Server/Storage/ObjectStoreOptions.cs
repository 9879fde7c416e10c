namespace Atoll.Server.Storage;

/// <summary>Where change-log entries and snapshots are backed up (<c>Atoll:ObjectStore</c>).</summary>
public sealed class ObjectStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atoll:ObjectStore";

    /// <summary><c>FileSystem</c> (the default), <c>S3</c>, or <c>None</c> (local log only).</summary>
    public string Kind { get; set; } = "FileSystem";

    /// <summary>The folder of the FileSystem store; default <c>&lt;data&gt;/objects</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Acknowledge a write only once its log entry is in the store (otherwise it is shipped in the background).</summary>
    public bool WaitForUpload { get; set; }

    /// <summary>How long a write waits for the store when <see cref="WaitForUpload"/> is on before it fails with 7429.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The S3 endpoint, e.g. <c>http://127.0.0.1:4568</c>; empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The S3 bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>A key prefix inside the bucket, e.g. <c>atoll/</c>.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The S3 region.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id (or the standard AWS environment variables).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which S3-compatible servers on loopback need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Throws naming the setting that is missing.</summary>
    public void Validate()
    {
        if (Kind is not ("FileSystem" or "S3" or "None"))
            throw new InvalidOperationException($"Atoll:ObjectStore:Kind must be FileSystem, S3 or None, not '{Kind}'.");
        if (Kind == "S3" && string.IsNullOrWhiteSpace(Bucket)) throw new InvalidOperationException("Atoll:ObjectStore:Bucket is required for S3.");
        if (UploadTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Atoll:ObjectStore:UploadTimeout must be positive.");
    }
}
