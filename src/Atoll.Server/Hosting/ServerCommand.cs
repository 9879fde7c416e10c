using System.CommandLine;
using Atoll.Server.Binding;
using Microsoft.AspNetCore.Connections;

namespace Atoll.Server.Hosting;

/// <summary>
/// The server's command line: <c>[--urls URL] [--data-dir DIR] [--admin-token TOKEN] [--Section:Key=value …]</c>, or
/// <c>worker-config …</c>. Runs the server until SIGTERM/Ctrl+C. Every start-up failure is one line on stderr and a
/// non-zero exit code (2: a usage error), never a stack trace.
/// </summary>
public static class ServerCommand
{
    /// <summary>Parses <paramref name="args"/> and runs what they ask for; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        if (args is ["worker-config", .. var rest]) return WorkerConfigCommand.Run(rest);

        var urls = new Option<string>("--urls") { Description = $"Address(es) to listen on, ';'-separated (ASPNETCORE_URLS; default {AtollApp.DefaultUrl})" };
        var dataDir = new Option<string>("--data-dir") { Description = "Where the catalog and every database live (ATOLL_DATA_DIR; default ./.atoll)" };
        var adminToken = new Option<string>("--admin-token") { Description = "The admin token (ATOLL_ADMIN_TOKEN); generated into <data>/admin-token when never given" };
        var root = new RootCommand(
            "Atoll: a self-hosted, Cloudflare D1-compatible SQL database server.\n" +
            "Any setting can also be given as --Atoll:Name=value (e.g. --Atoll:Engine:MaxRequestDuration=00:00:10); see README.")
        {
            urls, dataDir, adminToken,
            new Command("worker-config", "Write a workerd config that binds a Worker's D1 databases to Atoll (see worker-config --help)."),
        };
        root.SetAction((_, token) => ServeAsync(args, token));

        var parse = root.Parse(WithoutSettings(args));
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"atoll: {Describe(parse)}");
            return 2;
        }
        // The host handles SIGTERM/Ctrl+C itself (a graceful stop within Atoll:ShutdownTimeout), not System.CommandLine.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellationToken);
    }

    static async Task<int> ServeAsync(string[] args, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = AtollApp.Build(args);
        }
        catch (Exception ex) when (ex is DataDirectoryInUseException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Settings that do not parse or validate, or a data directory another server holds.
            Console.Error.WriteLine($"atoll: {ex.Message}");
            return ex is DataDirectoryInUseException ? 1 : 2;
        }
        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"atoll: {ex.Message.TrimEnd('.')} (choose another with --urls)");
                await StopQuietlyAsync(app);
                return 1;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"atoll: could not start: {ex.GetBaseException().Message}");
                await StopQuietlyAsync(app);
                return 1;
            }
            await app.WaitForShutdownAsync(cancellationToken);
        }
        return 0;
    }

    static async Task StopQuietlyAsync(WebApplication app)
    {
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Start-up already failed; that failure is the one worth reporting.
        }
    }

    /// <summary>The arguments without configuration overrides (<c>--Section:Key[=value]</c>), which the configuration reads itself.</summary>
    static string[] WithoutSettings(string[] args)
    {
        var kept = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (arg.StartsWith("--", StringComparison.Ordinal) && name.Contains(':'))
            {
                if (!arg.Contains('=') && i + 1 < args.Length) i++; // "--Atoll:Name value"
                continue;
            }
            kept.Add(arg);
        }
        return [.. kept];
    }

    static string Describe(ParseResult parse)
    {
        if (parse.UnmatchedTokens is [var token, ..])
        {
            var hint = token.TrimStart('-').ToLowerInvariant() is "port" or "p" or "host" or "listen" or "address" or "bind" or "url"
                ? $"; set the address with --urls, e.g. --urls {AtollApp.DefaultUrl}"
                : "";
            return $"unknown option or argument '{token}'{hint} (see --help)";
        }
        return $"{parse.Errors[0].Message.TrimEnd('.')} (see --help)";
    }
}
