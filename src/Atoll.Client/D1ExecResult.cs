namespace Atoll.Client;

/// <summary>What <see cref="ID1Database.ExecAsync"/> returns: how many queries ran and their total time.</summary>
/// <param name="Count">The number of queries executed (one per non-blank line).</param>
/// <param name="Duration">Their summed <c>meta.duration</c>, in milliseconds.</param>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#exec"/>
public sealed record D1ExecResult(int Count, double Duration);
