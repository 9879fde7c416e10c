using System.CommandLine;
using Atoll.Cli.Commands;

namespace Atoll.Cli.Hosting;

/// <summary>The <c>atoll</c> command tree, and running it with wrangler-like exit codes (0 ok, 1 failed, 2 usage).</summary>
internal static class AtollCommandLine
{
    public static RootCommand Build(CliConsole console)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("atoll: run an Atoll server and manage its D1 databases, tokens, accounts and cluster nodes.")
        {
            globals.Json, globals.Profile, globals.Verbose,
            LoginCommand.Create(console, globals),
            WhoamiCommand.Create(console, globals),
            ServeCommand.Create(console),
            D1Command.Create(console, globals),
            TokensCommand.Create(console, globals),
            AccountsCommand.Create(console, globals),
            ClusterCommand.Create(console, globals),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelp(args))
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"error: {error.Message}");
            console.Error.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command is RootCommand ? "atoll" : result.Command.Name);
        return string.Join(' ', names);
    }
}
