namespace Atoll.Engine;

/// <summary>Figures the catalog shows for a database.</summary>
/// <param name="NumTables">User tables (not <c>sqlite_*</c> or <c>_cf_*</c>).</param>
/// <param name="FileSize">Logical size in bytes: pages × page size.</param>
public sealed record DatabaseStats(int NumTables, long FileSize);
