using System.CommandLine;
using Atoll.Client;

namespace Atoll.Cli.Hosting;

/// <summary>
/// Runs a command's body and turns every expected failure into one line on stderr and an exit code — never a stack trace:
/// the server's D1 error text, an unreachable server, a missing token, a bad flag.
/// </summary>
internal static class CommandAction
{
    public static void Set(Command command, CliConsole console, GlobalOptions globals, Func<CliContext, CancellationToken, Task<int>> body)
        => command.SetAction((parse, cancellationToken) => RunAsync(new CliContext(console, parse, globals), body, cancellationToken));

    static async Task<int> RunAsync(CliContext context, Func<CliContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(context, cancellationToken);
        }
        catch (UsageException ex)
        {
            context.Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (CommandFailure ex)
        {
            context.Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (D1Exception ex)
        {
            context.Console.Error.WriteLine($"error: {Describe(ex)}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Console.Error.WriteLine("error: interrupted");
            return 130;
        }
        catch (IOException ex)
        {
            context.Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (UnauthorizedAccessException ex)
        {
            context.Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The server's words, with a hint where the usual cause is known.</summary>
    public static string Describe(D1Exception ex)
        => ex.Detail.Contains("API token is not valid", StringComparison.Ordinal) || ex.Detail.Contains("Invalid API Token", StringComparison.Ordinal)
            || ex.Detail.Contains("no API token was sent", StringComparison.Ordinal)
            ? $"{ex.Detail} (check ATOLL_TOKEN, or run atoll login)"
            : ex.Detail.StartsWith("Set AccountId:", StringComparison.Ordinal)
                ? $"Pick an account: {ex.Detail["Set AccountId: ".Length..]} (set ATOLL_ACCOUNT, or atoll login --account ID; atoll accounts list shows them)"
                : ex.Detail;
}
