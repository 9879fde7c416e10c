using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Atoll.Server.Api;

namespace Atoll.Server.Transfers;

/// <summary>
/// One import or export that clients poll: its bookmark, state, progress messages and outcome, and D1's polling
/// answer (<c>{"success":true,"type":…,"at_bookmark":…,"status":"active"|"complete"|"error",…}</c>).
/// </summary>
/// <remarks>Thread-safe: the job's task completes it while polls read it.</remarks>
public sealed class TransferJob(string type, string key, string atBookmark)
{
    /// <summary>How long a poll waits for the job to finish before answering <c>active</c> (D1 long-polls; clients poll at once).</summary>
    public static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(1);

    readonly Lock _gate = new();
    readonly List<string> _messages = [];
    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Action<Utf8JsonWriter>? _writeResult;
    string? _error;

    /// <summary><c>import</c> or <c>export</c>.</summary>
    public string Type { get; } = type;

    /// <summary>The key of the grain that runs it (<see cref="TransferJobGrain"/>).</summary>
    public string Key { get; } = key;

    /// <summary>The bookmark clients poll with.</summary>
    public string AtBookmark { get; } = atBookmark;

    /// <summary>When it finished; null while active.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>The file it left for the client (under <c>transfers/</c>: an export's), once complete; null when none.</summary>
    public string? File { get; private set; }

    /// <summary>Adds a progress message; each is sent once, with the next answer.</summary>
    public void Report(string message)
    {
        lock (_gate) _messages.Add(message);
    }

    /// <summary>
    /// Finishes the job successfully; <paramref name="writeResult"/> writes the answer's <c>result</c> object, which hands
    /// the client <paramref name="file"/> (a name under <c>transfers/</c>) when there is one.
    /// </summary>
    public void Complete(Action<Utf8JsonWriter> writeResult, string message, string? file = null)
    {
        lock (_gate)
        {
            _messages.Add(message);
            _writeResult = writeResult;
            File = file;
            FinishedAt = DateTimeOffset.UtcNow;
        }
        _done.TrySetResult();
    }

    /// <summary>Finishes the job with an error.</summary>
    public void Fail(string error, params string[] messages)
    {
        lock (_gate)
        {
            _messages.AddRange(messages);
            _error = error;
            FinishedAt = DateTimeOffset.UtcNow;
        }
        _done.TrySetResult();
    }

    /// <summary>Waits up to <see cref="LongPoll"/> for the job to finish.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _done.Task.WaitAsync(LongPoll, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Waits up to <see cref="LongPoll"/>, then answers with the job as it stands: 202 while active, 200 once finished.</summary>
    public async Task<TransferAnswer> PollAsync(CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        string[] messages;
        string? error;
        Action<Utf8JsonWriter>? writeResult;
        bool finished;
        lock (_gate)
        {
            messages = [.. _messages];
            _messages.Clear();
            error = _error;
            writeResult = _writeResult;
            finished = FinishedAt is not null;
        }
        return new TransferAnswer(finished ? StatusCodes.Status200OK : StatusCodes.Status202Accepted,
            Json(json => WriteAnswer(json, Type, AtBookmark, finished, messages, error, writeResult)));
    }

    /// <summary>The finished job's outcome, to keep past its grain; null while it runs.</summary>
    public TransferOutcome? Outcome(string node)
    {
        lock (_gate)
        {
            if (FinishedAt is null) return null;
            return new TransferOutcome(Key, AtBookmark, Type, node, _error, _writeResult is { } write ? Json(write) : null, _error is null ? File : null);
        }
    }

    /// <summary>The final answer kept in <paramref name="outcome"/>, as the job's own last poll gave it (its messages sent then).</summary>
    public static TransferAnswer Answer(TransferOutcome outcome)
        => new(StatusCodes.Status200OK, Json(json => WriteAnswer(json, outcome.Type, outcome.AtBookmark, finished: true, [], outcome.Error,
            outcome.Result is { } result ? writer => writer.WriteRawValue(result, skipInputValidation: true) : null)));

    /// <summary>D1's polling failure, <c>{"success":false,"error":…}</c> inside a successful envelope.</summary>
    public static IResult PollingFailure(string error) => Envelope.Ok(json =>
    {
        json.WriteStartObject();
        json.WriteBoolean("success", false);
        json.WriteString("error", error);
        json.WriteEndObject();
    });

    /// <summary>D1's polling answer: <c>status</c> is <c>active</c> until <paramref name="finished"/>, then <c>complete</c> or <c>error</c>.</summary>
    static void WriteAnswer(Utf8JsonWriter json, string type, string atBookmark, bool finished, string[] messages, string? error,
        Action<Utf8JsonWriter>? writeResult)
    {
        json.WriteStartObject();
        json.WriteBoolean("success", true);
        json.WriteString("type", type);
        json.WriteString("at_bookmark", atBookmark);
        json.WriteString("status", !finished ? "active" : error is null ? "complete" : "error");
        json.WriteStartArray("messages");
        foreach (var message in messages) json.WriteStringValue(message);
        json.WriteEndArray();
        if (error is not null)
        {
            // The API documents "error"; wrangler's import reads "errors": send both.
            json.WriteString("error", error);
            json.WriteStartArray("errors");
            json.WriteStringValue(error);
            json.WriteEndArray();
        }
        else if (writeResult is not null)
        {
            json.WritePropertyName("result");
            writeResult(json);
        }
        json.WriteEndObject();
    }

    static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        return buffer.WrittenSpan.ToArray();
    }
}
