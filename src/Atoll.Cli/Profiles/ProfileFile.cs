namespace Atoll.Cli.Profiles;

/// <summary>The saved profiles and which one is used when none is named.</summary>
internal sealed class ProfileFile
{
    public string Default { get; set; } = ProfileStore.DefaultName;
    public Dictionary<string, Profile> Profiles { get; set; } = new(StringComparer.Ordinal);
}
