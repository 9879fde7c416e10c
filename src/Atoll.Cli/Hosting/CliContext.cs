using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Atoll.Cli.Profiles;
using Atoll.Client;
using Atoll.Client.Admin;

namespace Atoll.Cli.Hosting;

/// <summary>What a running command needs: the console, the global options' values, and the server connection they lead to.</summary>
internal sealed class CliContext(CliConsole console, ParseResult parse, GlobalOptions globals)
{
    static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public CliConsole Console => console;
    public ParseResult Parse => parse;
    public bool Json => parse.GetValue(globals.Json);
    public bool Verbose => parse.GetValue(globals.Verbose);
    public ProfileStore Profiles => ProfileStore.For(console);

    /// <summary>The profile named by <c>--profile</c> or <c>ATOLL_PROFILE</c>; null for the file's default.</summary>
    public string? ProfileName => parse.GetValue(globals.Profile) ?? console.Environment("ATOLL_PROFILE");

    public T Value<T>(Option<T> option) => parse.GetValue(option)!;
    public T Value<T>(Argument<T> argument) => parse.GetValue(argument)!;

    /// <summary>Server, token and account: ATOLL_URL / ATOLL_TOKEN / ATOLL_ACCOUNT over the profile.</summary>
    /// <exception cref="CommandFailure">No URL or no token is known.</exception>
    public Connection Connection()
    {
        var file = Profiles.Load();
        var name = ProfileName ?? file.Default;
        file.Profiles.TryGetValue(name, out var profile);
        if (ProfileName is not null && profile is null && console.Environment("ATOLL_TOKEN") is null)
            throw new CommandFailure($"No profile '{name}' in {Profiles.FilePath}: run atoll login --profile {name} --url URL --token TOKEN.");
        var url = Env("ATOLL_URL") ?? profile?.Url;
        var token = Env("ATOLL_TOKEN") ?? profile?.Token;
        if (token is null) throw new CommandFailure("Not logged in: run atoll login --url URL --token TOKEN, or set ATOLL_URL and ATOLL_TOKEN.");
        return new Connection(name, url ?? "http://127.0.0.1:8787", token, Env("ATOLL_ACCOUNT") ?? profile?.Account);
    }

    string? Env(string name) => console.Environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>The server's API through the client library; with <c>--verbose</c> its HttpClient logs each exchange.</summary>
    public AtollServerApi Server() => Server(Connection());

    public AtollServerApi Server(Connection connection)
    {
        var options = new AtollAdminOptions
        {
            Mode = AtollMode.Remote, Url = connection.Url, ApiToken = connection.Token, AccountId = connection.Account,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (!Uri.TryCreate(connection.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"The server URL '{connection.Url}' is not an absolute http(s) URL.");
        return Verbose ? D1Client.OpenServer(options, new HttpClient(new VerboseHandler(console.Error)) { Timeout = Timeout.InfiniteTimeSpan })
            : D1Client.OpenServer(options);
    }

    /// <summary>Asks before a destructive step; <c>--yes</c> skips the question, and without a person to ask the command refuses.</summary>
    /// <exception cref="UsageException">Nobody can be asked and <c>--yes</c> was not given.</exception>
    public bool Confirm(string question, bool yes)
    {
        if (yes) return true;
        if (!console.IsInteractive) throw new UsageException($"{question} Refusing without confirmation: pass --yes to run non-interactively.");
        console.Error.Write($"{question} [y/N] ");
        console.Error.Flush();
        var answer = console.In.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes one JSON value to stdout.</summary>
    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Indented)) write(json);
        console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>A line for people on stderr (never mixed into <c>--json</c> output).</summary>
    public void Note(string text) => console.Error.WriteLine(text);
}
