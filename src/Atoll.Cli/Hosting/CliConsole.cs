using Spectre.Console;

namespace Atoll.Cli.Hosting;

/// <summary>
/// Where a command reads and writes: the real terminal, or captured writers in tests. Results go to <see cref="Out"/>, messages
/// and errors to <see cref="Error"/> so that <c>--json</c> output stays parseable.
/// </summary>
internal sealed class CliConsole
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required TextReader In { get; init; }

    /// <summary>Whether a person is at the keyboard: prompts are asked only then.</summary>
    public required bool IsInteractive { get; init; }

    /// <summary>Reads a line with editing and history on a real terminal (null: read <see cref="In"/> after writing the prompt).</summary>
    public Func<string, IReadOnlyList<string>, string?>? ReadLine { get; init; }

    /// <summary>Environment variables (tests pass their own).</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>Spectre's view of <see cref="Out"/>, for tables.</summary>
    public IAnsiConsole Ansi => _ansi ??= Create(Out);

    /// <summary>Spectre's view of <see cref="Error"/>, for progress bars (they never mix with results).</summary>
    public IAnsiConsole AnsiError => _ansiError ??= Create(Error);

    IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        // Piped output is read by tools: no wrapping at 80 columns.
        if (!IsInteractive) console.Profile.Width = 1000;
        return console;
    }

    IAnsiConsole? _ansi;
    IAnsiConsole? _ansiError;

    /// <summary>The process's own terminal.</summary>
    public static CliConsole System() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        IsInteractive = !Console.IsInputRedirected && !Console.IsOutputRedirected,
        ReadLine = !Console.IsInputRedirected && !Console.IsOutputRedirected ? Shell.LineEditor.ReadLine : null,
        Environment = global::System.Environment.GetEnvironmentVariable,
    };
}
