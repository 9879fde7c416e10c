using System.CommandLine;

namespace Atoll.Server.Binding;

/// <summary>
/// <c>Atoll.Server worker-config</c>: writes a workerd config (<see cref="WorkerConfig"/>) that runs a Worker with its
/// D1 bindings served by Atoll, so <c>npx workerd serve config.capnp</c> is the only step left.
/// </summary>
public static class WorkerConfigCommand
{
    /// <summary>Runs the command with the arguments after <c>worker-config</c>; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var url = new Option<string>("--url") { Description = "Atoll's base URL, e.g. http://127.0.0.1:8787", Required = true };
        var token = new Option<string>("--token") { Description = "API token for the bound databases (a scoped one is best)", Required = true };
        var account = new Option<string>("--account") { Description = "Account id that owns the databases (GET /client/v4/accounts)", Required = true };
        var bindings = new Option<string[]>("--binding")
        {
            Description = "NAME=DATABASE: env.NAME is bound to the database with that uuid or name (repeat for more)",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var worker = new Option<FileInfo>("--worker") { Description = "The Worker's ES module (one file; bundle first if it has imports)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the config", DefaultValueFactory = _ => new FileInfo("config.capnp") };
        var port = new Option<int>("--port") { Description = "Port workerd serves the Worker on, at 127.0.0.1 (0: any free port)", DefaultValueFactory = _ => 8080 };
        var date = new Option<string>("--compatibility-date") { Description = "The Worker's compatibility date", DefaultValueFactory = _ => "2025-05-01" };
        var flags = new Option<string[]>("--compatibility-flag") { Description = "A compatibility flag (repeat for more)", Arity = ArgumentArity.ZeroOrMore };

        var command = new RootCommand("Write a workerd config that binds a Worker's D1 databases to Atoll.")
        {
            url, token, account, bindings, worker, output, port, date, flags,
        };
        command.SetAction(parse =>
        {
            var workerFile = parse.GetValue(worker)!;
            var outFile = parse.GetValue(output)!;
            var pairs = new List<KeyValuePair<string, string>>();
            var problems = new List<string>();
            foreach (var binding in parse.GetValue(bindings) ?? [])
            {
                var equals = binding.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0) problems.Add($"--binding must be NAME=DATABASE: {binding}");
                else pairs.Add(new(binding[..equals].Trim(), binding[(equals + 1)..].Trim()));
            }
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var atollUrl))
            {
                Console.Error.WriteLine($"worker-config: --url is not an absolute URL: {parse.GetValue(url)}");
                return 2;
            }
            if (!workerFile.Exists) problems.Add($"--worker: no such file: {workerFile.FullName}");
            var config = new WorkerConfig(atollUrl, parse.GetValue(account)!.Trim(), parse.GetValue(token)!.Trim(), pairs,
                Path.GetRelativePath(outFile.Directory!.FullName, workerFile.FullName), parse.GetValue(port),
                parse.GetValue(date)!, parse.GetValue(flags) ?? []);
            problems.AddRange(config.Problems());
            if (problems.Count > 0)
            {
                foreach (var problem in problems) Console.Error.WriteLine($"worker-config: {problem}");
                return 2;
            }
            outFile.Directory.Create();
            // Made private before the token is written into it.
            File.WriteAllText(outFile.FullName, "");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(outFile.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(outFile.FullName, config.Render());
            Console.WriteLine($"Wrote {outFile.FullName}: {string.Join(", ", pairs.Select(p => $"env.{p.Key} → {p.Value}"))} on {config.AtollUrl}");
            Console.WriteLine($"Run: npx workerd serve {outFile.FullName}");
            return 0;
        });
        return command.Parse(args).Invoke();
    }
}
