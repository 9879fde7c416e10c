using Atoll.Server.Binding;

namespace Atoll.Server.Tests.Binding;

public sealed class WorkerConfigTests
{
    static WorkerConfig Config(string url = "http://127.0.0.1:8787", string token = "t0k\"en\\é", params (string, string)[] bindings)
        => new(new Uri(url), "acct", token, bindings.Length == 0 ? [new("DB", "blog")] : bindings.Select(b => new KeyValuePair<string, string>(b.Item1, b.Item2)).ToList(),
            "../src/worker.js", 8080, "2025-05-01", ["nodejs_compat"]);

    [Fact]
    public void Render_binds_each_database_through_an_external_service_with_injected_headers()
    {
        var text = Config(bindings: [("DB", "blog"), ("OTHER", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")]).Render();

        Assert.Contains("""(name = "atoll-d1-DB", external = (address = "127.0.0.1:8787", http = (injectRequestHeaders = [""", text);
        Assert.Contains("""(name = "x-atoll-database", value = "blog"),""", text);
        Assert.Contains("""(name = "x-atoll-database", value = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"),""", text);
        Assert.Contains("""(name = "x-atoll-account", value = "acct"),""", text);
        Assert.Contains("""(name = "OTHER", wrapped = (moduleName = "cloudflare-internal:d1-api",""", text);
        Assert.Contains("""innerBindings = [(name = "fetcher", service = "atoll-d1-OTHER")])),""", text);
        Assert.Contains("""modules = [(name = "worker.js", esModule = embed "../src/worker.js")],""", text);
        Assert.Contains("""sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],""", text);
        Assert.Contains("""compatibilityFlags = ["nodejs_compat"],""", text);
    }

    [Fact]
    public void Render_escapes_quotes_backslashes_and_non_ascii_in_capnp_text()
        => Assert.Contains("""value = "Bearer t0k\"en\\\xc3\xa9")""", Config().Render());

    [Fact]
    public void Problems_is_empty_for_a_usable_config() => Assert.Empty(Config().Problems());

    [Fact]
    public void Problems_names_each_unusable_setting()
    {
        var problems = Config("https://atoll.example/d1", bindings: [("1DB", "x"), ("DB", ""), ("DB", "y")]).Problems();

        Assert.Contains(problems, p => p.StartsWith("--url must be http://", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--url must not have a path or query", StringComparison.Ordinal));
        Assert.Contains("binding name \"1DB\" is not a JavaScript identifier (env.1DB)", problems);
        Assert.Contains("binding DB names no database", problems);
        Assert.Contains("binding DB is given twice", problems);
    }
}
