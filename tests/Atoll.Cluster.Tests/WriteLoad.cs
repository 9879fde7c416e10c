using System.Collections.Concurrent;

namespace Atoll.Cluster.Tests;

/// <summary>
/// Concurrent writers, one per database, each inserting increasing ids through whichever node <see cref="_pick"/> names;
/// records which ids were acknowledged (HTTP 200 with success) and which requests failed.
/// </summary>
public sealed class WriteLoad(IReadOnlyList<string> databases, Func<int, ClusterNode> pick) : IAsyncDisposable
{
    readonly Func<int, ClusterNode> _pick = pick;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _writers = [];

    public ConcurrentDictionary<string, ConcurrentBag<long>> Acknowledged { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>When each database last acknowledged a write.</summary>
    public ConcurrentDictionary<string, DateTime> LastAck { get; } = new();

    public void Start(bool readsToo = false)
    {
        foreach (var database in databases)
        {
            Acknowledged[database] = [];
            _writers.Add(Task.Run(async () =>
            {
                for (long id = 1, turn = 0; !_stop.IsCancellationRequested; id++, turn++)
                {
                    var node = _pick((int)turn);
                    try
                    {
                        var (status, body) = await node.QueryAsync(database, "INSERT INTO t(id) VALUES (?)", [id], _stop.Token);
                        if (status == 200 && body.GetProperty("success").GetBoolean())
                        {
                            Acknowledged[database].Add(id);
                            LastAck[database] = DateTime.UtcNow;
                        }
                        else Failures.Enqueue($"{database} id {id} via {node.Name}: {status} {body}");
                        if (readsToo)
                        {
                            var (readStatus, read) = await node.QueryAsync(database, "SELECT count(*) AS n FROM t", null, _stop.Token);
                            if (readStatus != 200) Failures.Enqueue($"{database} read via {node.Name}: {readStatus} {read}");
                        }
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
                    {
                        Failures.Enqueue($"{database} id {id} via {node.Name}: {ex.GetType().Name} {ex.Message}");
                        await Task.Delay(100);
                    }
                }
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
        _stop.Dispose();
    }
}
