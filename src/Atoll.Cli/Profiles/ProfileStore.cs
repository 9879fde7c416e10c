using System.Text.Json;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Profiles;

/// <summary>
/// <c>profiles.json</c> in <c>$ATOLL_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/atoll</c>, else <c>~/.config/atoll</c>. It holds tokens,
/// so the folder is created owner-only (700) and the file written owner-only (600) before any secret goes in.
/// </summary>
internal sealed class ProfileStore(string directory)
{
    public const string DefaultName = "default";
    public const string FileName = "profiles.json";

    public string Directory { get; } = directory;
    public string FilePath => Path.Combine(Directory, FileName);

    public static ProfileStore For(CliConsole console)
    {
        if (console.Environment("ATOLL_CONFIG_DIR") is { Length: > 0 } explicitDir) return new ProfileStore(explicitDir);
        var config = console.Environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(console.Environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new ProfileStore(Path.Combine(config, "atoll"));
    }

    public ProfileFile Load()
    {
        if (!File.Exists(FilePath)) return new ProfileFile();
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(FilePath), ProfileJson.Default.ProfileFile) ?? new ProfileFile();
        }
        catch (JsonException ex)
        {
            throw new CommandFailure($"{FilePath} is not valid JSON ({ex.Message}); fix it or run atoll login again after deleting it.");
        }
    }

    public void Save(ProfileFile file)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            JsonSerializer.Serialize(stream, file, ProfileJson.Default.ProfileFile);
        // An older file may have been made with looser bits; the rename keeps the new file's 600.
        File.Move(temp, FilePath, overwrite: true);
    }
}
