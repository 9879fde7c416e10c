namespace Atoll.Engine.Dump;

/// <summary>A byte buffer in front of the dump's stream: statements are assembled here and written out in large blocks.</summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class DumpOutput(Stream stream)
{
    const int Capacity = 256 * 1024;

    readonly byte[] _buffer = new byte[Capacity];
    int _length;

    /// <summary>Bytes handed to the stream or buffered so far.</summary>
    public long Written { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Written += bytes.Length;
        if (bytes.Length > Capacity - _length)
        {
            Flush();
            if (bytes.Length > Capacity)
            {
                stream.Write(bytes);
                return;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Write(byte b)
    {
        if (_length == Capacity) Flush();
        _buffer[_length++] = b;
        Written++;
    }

    /// <summary>Room for at least <paramref name="size"/> bytes (at most 64 KiB); commit what was used with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (Capacity - _length < size) Flush();
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count)
    {
        _length += count;
        Written += count;
    }

    public void Flush()
    {
        if (_length == 0) return;
        stream.Write(_buffer, 0, _length);
        _length = 0;
    }
}
