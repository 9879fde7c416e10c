using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Tests;
using Microsoft.Playwright;

namespace Atoll.Dashboard.Tests;

/// <summary>
/// A real server and a real headless chromium (Debian's, at /usr/bin/chromium; <c>scripts/install-chromium.sh</c>)
/// driven by Playwright, with a fresh profile. Each test opens its own page, so each has its own sessionStorage.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    const string Chromium = "/usr/bin/chromium";

    IPlaywright? _playwright;
    readonly string _profile = Path.Combine(Path.GetTempPath(), "atoll-dashboard-profile-" + Guid.NewGuid().ToString("N"));

    public AtollServer Server { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;
    public string ReadToken { get; private set; } = "";

    /// <summary>
    /// Where screenshots go: the test output folder, so a test run leaves the checkout clean; with
    /// <c>ATOLL_SCREENSHOTS=docs</c> they refresh docs/dashboard/ in the repository.
    /// </summary>
    public static string Screenshots { get; } = Environment.GetEnvironmentVariable("ATOLL_SCREENSHOTS") == "docs"
        ? Path.Combine(SourceTree.Root, "docs", "dashboard")
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/install-chromium.sh (apt-get install chromium).");
        Server = await AtollServer.StartAsync();
        var created = await Server.Client.PostAsync($"/client/v4/accounts/{Server.AccountId}/tokens",
            AtollServer.Json(new { name = "reader", permission = "read" }));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        ReadToken = body.GetProperty("result").GetProperty("value").GetString()!;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            ChromiumSandbox = false,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            BaseURL = Server.BaseAddress.ToString(),
        });
        // Generous waits: a loaded CI machine may be slow, and a wait only ends early when the page is right.
        Browser.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A new tab, signed in with <paramref name="token"/> through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string? token = null)
    {
        var page = await Browser.NewPageAsync();
        page.Console += (_, message) => Console.WriteLine($"[browser {message.Type}] {message.Text}");
        page.PageError += (_, error) => Console.WriteLine($"[browser error] {error}");
        await page.GotoAsync("/");
        await page.GetByLabel("API token").FillAsync(token ?? Server.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Databases" })).ToBeVisibleAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing the context ends chromium; disposing Playwright ends its driver process.
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
