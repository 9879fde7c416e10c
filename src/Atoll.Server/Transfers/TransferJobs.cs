using System.Collections.Concurrent;

namespace Atoll.Server.Transfers;

/// <summary>The imports and exports clients can poll, kept in memory for an hour after they finish.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TransferJobs
{
    readonly ConcurrentDictionary<string, TransferJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>The job filed under <paramref name="key"/>, or null.</summary>
    public TransferJob? Find(string key) => _jobs.GetValueOrDefault(key);

    /// <summary>
    /// Files a new job under <paramref name="key"/> and starts <paramref name="run"/> for it in the background, unless an
    /// active job is filed there: then that one is returned and nothing starts.
    /// </summary>
    public TransferJob Start(string key, Func<TransferJob> create, Func<TransferJob, Task> run, ILogger logger)
    {
        Sweep();
        while (true)
        {
            if (_jobs.TryGetValue(key, out var existing) && existing.FinishedAt is null) return existing;
            var job = create();
            var added = existing is null ? _jobs.TryAdd(key, job) : _jobs.TryUpdate(key, job, existing);
            if (!added) continue;
            _ = Task.Run(async () =>
            {
                try
                {
                    await run(job);
                }
                catch (Atoll.Engine.D1Exception ex)
                {
                    job.Fail(ex.Message); // e.g. the database was deleted meanwhile
                }
                catch (Exception ex)
                {
                    var reference = Guid.NewGuid().ToString("N");
                    logger.LogError(ex, "{Type} failed; reference = {Reference}", job.Type, reference);
                    job.Fail($"internal error; reference = {reference}");
                }
            });
            return job;
        }
    }

    void Sweep()
    {
        var oldest = DateTimeOffset.UtcNow - TransferSigner.Lifetime;
        foreach (var (key, job) in _jobs)
            if (job.FinishedAt < oldest) _jobs.TryRemove(new KeyValuePair<string, TransferJob>(key, job));
    }
}
