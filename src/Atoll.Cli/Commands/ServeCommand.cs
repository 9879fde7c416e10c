using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Server.Hosting;
using Microsoft.Extensions.Hosting;

namespace Atoll.Cli.Commands;

/// <summary>
/// <c>atoll serve</c>: runs the Atoll server in this process with the server's own options (<c>--urls</c>, <c>--data-dir</c>,
/// <c>--admin-token</c>, any <c>--Atoll:…</c> setting), so installing the tool is a complete install.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var urls = new Option<string?>("--urls") { Description = $"Listen address (default {AtollApp.DefaultUrl})" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory (default ./.atoll, or ATOLL_DATA_DIR)" };
        var adminToken = new Option<string?>("--admin-token") { Description = "The admin token (default: generated into <data>/admin-token, or ATOLL_ADMIN_TOKEN)" };
        var command = new Command("serve", "Run the Atoll server (any --Atoll:Section:Key=value setting of the server is passed on)")
        {
            urls, dataDir, adminToken,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = new List<string>();
            void Pass(string name, string? value)
            {
                if (value is null) return;
                args.Add(name);
                args.Add(value);
            }
            Pass("--urls", parse.GetValue(urls));
            Pass("--data-dir", parse.GetValue(dataDir));
            Pass("--admin-token", parse.GetValue(adminToken));
            args.AddRange(parse.UnmatchedTokens);
            try
            {
                var app = AtollApp.Build([.. args]);
                await app.StartAsync(cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
                await app.StopAsync(CancellationToken.None);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or FormatException)
            {
                console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
