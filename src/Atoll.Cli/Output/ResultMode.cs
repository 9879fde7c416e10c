namespace Atoll.Cli.Output;

/// <summary>How query results are shown: a table for people, JSON or CSV for tools.</summary>
internal enum ResultMode
{
    Table,
    Json,
    Csv,
}
