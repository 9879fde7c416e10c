namespace Atoll.Client.Benchmarks;

/// <summary>The row every benchmark reads, mapped by property (as Dapper maps it).</summary>
public sealed class UserRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public double Score { get; set; }
}
