using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Atoll.Engine.Storage;

namespace Atoll.Server.Storage;

/// <summary>An object store in an S3-compatible bucket (AWS S3, or any server speaking the protocol).</summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    readonly AmazonS3Client _client;
    readonly string _bucket;
    readonly string _prefix;

    /// <summary>Connects to the bucket the options name.</summary>
    public S3ObjectStore(ObjectStoreOptions options)
    {
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle, AuthenticationRegion = options.Region, MaxErrorRetry = 1 };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            // The SDK's default CRC checksums on every request and response are an AWS extension that several
            // S3-compatible servers reject or omit; send and check them only where the API requires them.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        _client = options.AccessKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
        _bucket = options.Bucket!;
        _prefix = options.Prefix;
    }

    /// <inheritdoc/>
    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
        => PutAsync(key, content, ifAbsent: false, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// <c>If-None-Match: *</c>: S3 answers 412 when the key exists (and 409 when a concurrent conditional write of it
    /// is in flight). Servers that ignore the header (s3rver) overwrite instead: fencing needs one that honours it.
    /// </remarks>
    public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        try
        {
            await PutAsync(key, content, ifAbsent: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    async Task PutAsync(string key, Stream content, bool ifAbsent, CancellationToken cancellationToken)
    {
        // The SDK needs a seekable stream to sign the body; log entries are small and snapshots come from files.
        Stream body = content;
        if (!content.CanSeek)
        {
            body = new MemoryStream();
            await content.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            body.Position = 0;
        }
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            InputStream = body,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        };
        if (ifAbsent) request.IfNoneMatch = "*";
        await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _client.GetObjectAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix };
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key[_prefix.Length..]));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
        => _client.DeleteObjectAsync(_bucket, _prefix + key, cancellationToken);

    /// <summary>Closes the HTTP client.</summary>
    public void Dispose() => _client.Dispose();
}
