using System.Text;
using System.Text.RegularExpressions;

namespace Atoll.Server.Binding;

/// <summary>
/// A workerd configuration that runs one Worker with D1 bindings served by Atoll: each binding is a
/// <c>cloudflare-internal:d1-api</c> wrapped binding whose <c>fetcher</c> is an external HTTP service pointing at
/// Atoll, with the database and credentials injected as <see cref="BindingHeaders"/>.
/// </summary>
/// <param name="AtollUrl">Atoll's base URL (<c>http://host:port</c>, no path).</param>
/// <param name="AccountId">The account that owns every bound database.</param>
/// <param name="Token">The API token workerd sends; it is written into the config in clear.</param>
/// <param name="Bindings">Binding name (e.g. <c>DB</c>) to database uuid or name.</param>
/// <param name="WorkerModule">Path of the Worker's ES module, relative to the config file.</param>
/// <param name="ListenPort">The port workerd serves the Worker on (127.0.0.1); 0 lets workerd choose.</param>
/// <param name="CompatibilityDate">The Worker's compatibility date.</param>
/// <param name="CompatibilityFlags">The Worker's compatibility flags.</param>
public sealed partial record WorkerConfig(
    Uri AtollUrl,
    string AccountId,
    string Token,
    IReadOnlyList<KeyValuePair<string, string>> Bindings,
    string WorkerModule,
    int ListenPort,
    string CompatibilityDate,
    IReadOnlyList<string> CompatibilityFlags)
{
    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex BindingName();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex Date();

    /// <summary>The problems that would make the config unusable; empty when it is fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (AtollUrl.Scheme != Uri.UriSchemeHttp)
            problems.Add($"--url must be http:// (workerd's external service speaks plain HTTP to Atoll): {AtollUrl}");
        if (AtollUrl.AbsolutePath != "/" || AtollUrl.Query.Length > 0)
            problems.Add($"--url must not have a path or query: the binding's own paths (/query, /execute, /dump) are sent as they are: {AtollUrl}");
        if (Bindings.Count == 0) problems.Add("give at least one --binding NAME=DATABASE");
        foreach (var (name, database) in Bindings)
        {
            if (!BindingName().IsMatch(name)) problems.Add($"binding name \"{name}\" is not a JavaScript identifier (env.{name})");
            if (database.Length == 0) problems.Add($"binding {name} names no database");
        }
        foreach (var duplicate in Bindings.GroupBy(b => b.Key).Where(g => g.Count() > 1)) problems.Add($"binding {duplicate.Key} is given twice");
        if (ListenPort is < 0 or > 65535) problems.Add($"--port must be 0-65535: {ListenPort}");
        if (!Date().IsMatch(CompatibilityDate)) problems.Add($"--compatibility-date must be YYYY-MM-DD: {CompatibilityDate}");
        return problems;
    }

    /// <summary>The config in Cap'n Proto text, ready for <c>workerd serve</c>.</summary>
    public string Render()
    {
        var address = $"{AtollUrl.Host}:{AtollUrl.Port}";
        var services = new StringBuilder();
        var bindings = new StringBuilder();
        services.AppendLine("    (name = \"main\", worker = .mainWorker),");
        foreach (var (name, database) in Bindings)
        {
            var service = $"atoll-d1-{name}";
            services.AppendLine($"    (name = {Text(service)}, external = (address = {Text(address)}, http = (injectRequestHeaders = [");
            services.AppendLine($"        (name = {Text(BindingHeaders.Account)}, value = {Text(AccountId)}),");
            services.AppendLine($"        (name = {Text(BindingHeaders.Database)}, value = {Text(database)}),");
            services.AppendLine($"        (name = {Text(BindingHeaders.Authorization)}, value = {Text("Bearer " + Token)}),");
            services.AppendLine("    ]))),");
            bindings.AppendLine($"    (name = {Text(name)}, wrapped = (moduleName = \"cloudflare-internal:d1-api\",");
            bindings.AppendLine($"        innerBindings = [(name = \"fetcher\", service = {Text(service)})])),");
        }
        var module = WorkerModule.Replace('\\', '/');
        return $$"""
            # workerd config written by `Atoll.Server worker-config`: serve it with `npx workerd serve <this file>`.
            # It holds an API token in clear text: keep it private.
            using Workerd = import "/workerd/workerd.capnp";

            const config :Workerd.Config = (
              services = [
            {{services}}  ],
              sockets = [(name = "http", address = {{Text($"127.0.0.1:{ListenPort}")}}, http = (), service = "main")],
            );

            const mainWorker :Workerd.Worker = (
              compatibilityDate = {{Text(CompatibilityDate)}},
              compatibilityFlags = [{{string.Join(", ", CompatibilityFlags.Select(Text))}}],
              modules = [(name = {{Text(Path.GetFileName(module))}}, esModule = embed {{Text(module)}})],
              bindings = [
            {{bindings}}  ],
            );

            """;
    }

    /// <summary>A Cap'n Proto text literal: printable ASCII as is, every other byte escaped.</summary>
    static string Text(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b == '"') text.Append("\\\"");
            else if (b == '\\') text.Append("\\\\");
            else if (b is >= 0x20 and < 0x7f) text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.Append('"').ToString();
    }
}
