namespace Atoll.Client;

/// <summary>One database binding: where Atoll is (see <see cref="AtollConnectionOptions"/>) and which database to use.</summary>
/// <remarks>Bound from the configuration section <c>D1:&lt;binding name&gt;</c>, e.g. <c>D1:DB</c>.</remarks>
public sealed class D1DatabaseOptions : AtollConnectionOptions
{
    /// <summary>The configuration section that holds one subsection per binding name.</summary>
    public const string Section = "D1";

    /// <summary>The database's name (or, remote, its uuid).</summary>
    public string? Database { get; set; }

    /// <summary>Create the database on first use if it does not exist (default false).</summary>
    public bool CreateIfMissing { get; set; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Validate(string path)
    {
        var problems = new List<string>(base.Validate(path));
        if (string.IsNullOrWhiteSpace(Database)) problems.Add($"{path}:Database is required (the database's name).");
        else if (Mode == AtollMode.Embedded && !Atoll.Engine.DatabaseName.IsValid(Database) && !Guid.TryParse(Database, out _))
            problems.Add($"{path}:Database '{Database}' is not valid (a uuid or a name): {Atoll.Engine.DatabaseName.Rule}");
        return problems;
    }
}
