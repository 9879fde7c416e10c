using Atoll.Engine.Connections;
using Atoll.Engine.Execution;

namespace Atoll.Engine.Import;

/// <summary>
/// Cuts a SQL script read from a stream into statements without holding the script in memory: it keeps one
/// statement's bytes at a time and asks SQLite (<c>sqlite3_complete</c>) at each semicolon whether the
/// statement ends there, so semicolons inside strings, comments and trigger bodies do not cut it.
/// </summary>
/// <remarks>Not thread-safe. Memory is bounded by the longest statement (at most <c>maxStatementBytes</c>) plus one read.</remarks>
internal sealed class ScriptReader(Stream input, int maxStatementBytes)
{
    const int ReadSize = 256 * 1024;

    byte[] _buffer = new byte[ReadSize * 2 + 1];
    int _start;  // first byte of the pending statement
    int _scan;   // where the search for the next semicolon resumes
    int _end;    // end of the bytes read so far
    bool _eof;
    bool _first = true;

    /// <summary>Bytes consumed from the stream so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// The next statement's bytes (with any comments before it), valid until the next call; false at the end.
    /// The text that follows the last semicolon is returned as a final statement unless it is blank.
    /// </summary>
    /// <exception cref="D1Exception">A statement is longer than the limit.</exception>
    public bool TryNext(out ReadOnlyMemory<byte> statement)
    {
        while (true)
        {
            var semicolon = _buffer.AsSpan(_scan, _end - _scan).IndexOf((byte)';');
            if (semicolon >= 0)
            {
                var cut = _scan + semicolon + 1;
                _scan = cut;
                if (cut - _start > maxStatementBytes) throw TooLong();
                if (IsComplete(_start, cut))
                {
                    statement = _buffer.AsMemory(_start, cut - _start);
                    _start = cut;
                    return true;
                }
                continue;
            }
            if (_eof)
            {
                if (_end - _start > maxStatementBytes) throw TooLong();
                var rest = _buffer.AsMemory(_start, _end - _start);
                _start = _scan = _end;
                statement = rest;
                return !SqlText.IsBlank(rest.Span);
            }
            Fill();
        }
    }

    /// <summary>Moves the pending statement to the front, grows the buffer if the statement needs it, and reads more.</summary>
    void Fill()
    {
        var pending = _end - _start;
        if (pending > maxStatementBytes) throw TooLong();
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _scan -= _start;
            _end = pending;
            _start = 0;
        }
        // One spare byte past the data, where IsComplete writes its NUL.
        if (_buffer.Length - _end - 1 < ReadSize) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + ReadSize + 1));
        var read = input.Read(_buffer, _end, _buffer.Length - _end - 1);
        if (read == 0)
        {
            _eof = true;
            return;
        }
        if (_first)
        {
            _first = false;
            if (read >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _start = _scan = 3; // UTF-8 byte order mark
        }
        _end += read;
        Position += read;
    }

    D1Exception TooLong() => ErrorFactory.Sql($"statement too long: a statement in the file is over {maxStatementBytes} bytes: SQLITE_TOOBIG");

    unsafe bool IsComplete(int start, int end)
    {
        var saved = _buffer[end];
        _buffer[end] = 0;
        try
        {
            fixed (byte* text = &_buffer[start]) return NativeMethods.Complete(text) != 0;
        }
        finally
        {
            _buffer[end] = saved;
        }
    }
}
