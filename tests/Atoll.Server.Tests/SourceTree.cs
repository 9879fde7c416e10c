using System.Reflection;

namespace Atoll.Server.Tests;

/// <summary>Paths inside the repository the tests run from: the built server, the compat suite's npm packages.</summary>
internal static class SourceTree
{
    /// <summary>The repository root (the folder holding <c>Atoll.slnx</c>).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test assembly (Debug or Release), which the server was built in too.</summary>
    public static string Configuration { get; } =
        typeof(SourceTree).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The server assembly this test project's build produced (the project reference builds it).</summary>
    public static string ServerDll => Path.Combine(Root, "src", "Atoll.Server", "bin", Configuration, "net10.0", "Atoll.Server.dll");

    /// <summary><c>tests/compat</c>, whose node_modules <c>scripts/compat-install.sh</c> installs.</summary>
    public static string Compat => Path.Combine(Root, "tests", "compat");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Atoll.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Atoll.slnx above {AppContext.BaseDirectory}");
    }
}
