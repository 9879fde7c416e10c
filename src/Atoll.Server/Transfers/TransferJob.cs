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

    /// <summary>Adds a progress message; each is sent once, with the next answer.</summary>
    public void Report(string message)
    {
        lock (_gate) _messages.Add(message);
    }

    /// <summary>Finishes the job successfully; <paramref name="writeResult"/> writes the answer's <c>result</c> object.</summary>
    public void Complete(Action<Utf8JsonWriter> writeResult, string message)
    {
        lock (_gate)
        {
            _messages.Add(message);
            _writeResult = writeResult;
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
        var (status, write) = Answer();
        var result = new ArrayBufferWriter<byte>();
        await using (var json = new Utf8JsonWriter(result, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        return new TransferAnswer(status, result.WrittenSpan.ToArray());
    }

    /// <summary>D1's polling failure, <c>{"success":false,"error":…}</c> inside a successful envelope.</summary>
    public static IResult PollingFailure(string error) => Envelope.Ok(json =>
    {
        json.WriteStartObject();
        json.WriteBoolean("success", false);
        json.WriteString("error", error);
        json.WriteEndObject();
    });

    /// <summary>The polling answer as it stands: 202 while active, 200 once finished.</summary>
    (int Status, Action<Utf8JsonWriter> Write) Answer()
    {
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
        var status = !finished ? "active" : error is null ? "complete" : "error";
        return (finished ? StatusCodes.Status200OK : StatusCodes.Status202Accepted, json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("success", true);
            json.WriteString("type", Type);
            json.WriteString("at_bookmark", AtBookmark);
            json.WriteString("status", status);
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
        });
    }
}
