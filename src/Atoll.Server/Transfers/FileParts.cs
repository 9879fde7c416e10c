namespace Atoll.Server.Transfers;

/// <summary>
/// A file sent between nodes as a series of bounded parts, one grain call each: a part shorter than asked for is the last.
/// Used for replica seeds, dumps, backups and uploads.
/// </summary>
public static class FileParts
{
    /// <summary>Bytes per part: well under Orleans' message size limit, large enough that calls cost little.</summary>
    public const int Size = 4 << 20;

    /// <summary>Up to <paramref name="max"/> (at most <see cref="Size"/>) bytes of the file at <paramref name="path"/> from <paramref name="offset"/>.</summary>
    public static async Task<byte[]> ReadAsync(string path, long offset, int max)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, useAsync: true);
        file.Position = offset;
        var part = new byte[(int)Math.Clamp(file.Length - offset, 0, Math.Min(max, Size))];
        await file.ReadExactlyAsync(part);
        return part;
    }

    /// <summary>Writes every part <paramref name="read"/> (offset, size) returns to <paramref name="destination"/>, until a short one; the bytes written.</summary>
    public static async Task<long> CopyAsync(Func<long, int, Task<byte[]>> read, Stream destination, CancellationToken cancellationToken)
    {
        for (long offset = 0; ;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = await read(offset, Size);
            await destination.WriteAsync(part, cancellationToken);
            offset += part.Length;
            if (part.Length < Size) return offset;
        }
    }
}
