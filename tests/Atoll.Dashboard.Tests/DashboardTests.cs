using System.Text.Json;
using Atoll.Server.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Atoll.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    AtollServer Server => fixture.Server;

    static string Shot(string name) => Path.Combine(DashboardFixture.Screenshots, name);

    [Fact]
    public async Task Admin_creates_a_database_runs_sql_sees_typed_rows_and_errors_and_browses_the_table()
    {
        var page = await fixture.SignedInPageAsync();
        var name = "shop-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("New database name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create database" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "SQL console" })).ToBeVisibleAsync();

        // A value that would run script if it were ever treated as markup, a 64-bit integer past 2^53, a BLOB, a REAL.
        await page.GetByLabel("SQL", new() { Exact = true }).FillAsync(
            "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, big INTEGER, data BLOB, price REAL);\n" +
            "INSERT INTO items(name, big, data, price) VALUES (?, ?, x'00ff10', 2.5)");
        await page.GetByLabel("Parameters (JSON array)").FillAsync("[\"<img src=x onerror=window.__xss=1>\", 9007199254740993]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Statement 2: 0 rows")).ToBeVisibleAsync();
        await Expect(page.GetByText("rows written 1").First).ToBeVisibleAsync();

        await page.GetByLabel("SQL", new() { Exact = true }).FillAsync("SELECT * FROM items");
        await page.GetByLabel("Parameters (JSON array)").FillAsync("");
        await page.GetByLabel("SQL", new() { Exact = true }).PressAsync("Control+Enter");
        var grid = page.GetByRole(AriaRole.Region, new() { Name = "Result rows" });
        await Expect(grid.GetByRole(AriaRole.Cell, new() { Name = "9007199254740993" })).ToBeVisibleAsync();
        await Expect(grid.GetByRole(AriaRole.Cell, new() { Name = "<img src=x onerror=window.__xss=1>" })).ToBeVisibleAsync();
        await Expect(grid.Locator("td.blob")).ToHaveTextAsync("00 ff 10 (3 bytes)");
        await Expect(grid.Locator("td.real")).ToHaveTextAsync("2.5");
        await Expect(grid.Locator("img")).ToHaveCountAsync(0);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        await Expect(page.GetByText("bookmark 0000")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("console.png"), FullPage = true });

        // A D1 error, in D1's words.
        await page.GetByLabel("SQL", new() { Exact = true }).FillAsync("SELEC 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Error 7500: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR");
        await page.ScreenshotAsync(new() { Path = Shot("console-error.png") });

        // The session's history brings an earlier query back.
        await page.GetByRole(AriaRole.Button, new() { Name = "SELECT * FROM items" }).ClickAsync();
        await Expect(page.GetByLabel("SQL", new() { Exact = true })).ToHaveValueAsync("SELECT * FROM items");

        // The table browser: schema, row count, rows (the hostile value still text).
        await page.GetByRole(AriaRole.Link, new() { Name = "Tables", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "items" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Table items" })).ToBeVisibleAsync();
        await Expect(page.GetByText("1 row", new() { Exact = true })).ToBeVisibleAsync();
        var columns = page.GetByRole(AriaRole.Region, new() { Name = "Columns of items" });
        await Expect(columns.GetByRole(AriaRole.Cell, new() { Name = "price" })).ToBeVisibleAsync();
        var rows = page.GetByRole(AriaRole.Region, new() { Name = "Rows of items" });
        await Expect(rows.GetByRole(AriaRole.Cell, new() { Name = "<img src=x onerror=window.__xss=1>" })).ToBeVisibleAsync();
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        await page.ScreenshotAsync(new() { Path = Shot("tables.png"), FullPage = true });

        // The list: search finds it, with its table count; delete asks first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Databases" }).ClickAsync();
        await page.GetByLabel("Search by name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByText("1 database matching")).ToBeVisibleAsync();
        var listed = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(listed.GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync("1"); // its one table, measured now
        await Expect(listed.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d)? kB$"));
        await page.ScreenshotAsync(new() { Path = Shot("databases.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await Expect(page.GetByText("0 databases matching")).ToBeVisibleAsync();
        var gone = await Server.Client.GetAsync($"{Server.Databases()}/{name}", TestContext.Current.CancellationToken);
        Assert.Equal(404, (int)gone.StatusCode);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Time_travel_restores_to_a_bookmark_undoes_it_and_forks()
    {
        var name = "tt-" + Guid.NewGuid().ToString("N")[..6];
        await Server.CreateDatabaseAsync(name);
        await Server.QueryAsync(name, new { sql = "CREATE TABLE t(x); INSERT INTO t VALUES (1)" });
        var bookmark = JsonDocument.Parse(await Server.Client.GetStringAsync($"{Server.Databases()}/{name}/time_travel/bookmark",
                TestContext.Current.CancellationToken))
            .RootElement.GetProperty("result").GetProperty("bookmark").GetString()!;
        await Server.QueryAsync(name, new { sql = "INSERT INTO t VALUES (2), (3)" });

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/#/db/{name}/time-travel");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Commits per minute (last 1 active minute)" })).ToBeVisibleAsync();
        Assert.True(await page.Locator("svg.chart rect.bar").CountAsync() >= 1);
        await page.ScreenshotAsync(new() { Path = Shot("time-travel.png"), FullPage = true });

        await page.GetByLabel("Bookmark", new() { Exact = true }).FillAsync(bookmark);
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore…" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        var restored = page.GetByText("Restored. New bookmark");
        await Expect(restored).ToBeVisibleAsync();
        var afterRestore = await restored.TextContentAsync();
        Assert.Equal(1, await CountAsync(name));

        await page.GetByRole(AriaRole.Button, new() { Name = "Undo this restore" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        await Expect(restored).Not.ToHaveTextAsync(afterRestore!); // the undo's own answer
        Assert.Equal(3, await CountAsync(name));

        var fork = name + "-fork";
        await page.GetByLabel("New database name").FillAsync(fork);
        await page.GetByLabel("At bookmark (empty: now)").FillAsync(bookmark);
        await page.GetByRole(AriaRole.Button, new() { Name = "Fork", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = fork })).ToBeVisibleAsync();
        Assert.Equal(1, await CountAsync(fork));
        Assert.Equal(3, await CountAsync(name));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Metrics_page_charts_the_databases_queries_and_lists_insights()
    {
        var name = "m-" + Guid.NewGuid().ToString("N")[..6];
        await Server.CreateDatabaseAsync(name);
        await Server.QueryAsync(name, new { sql = "CREATE TABLE t(x)" });
        for (var i = 0; i < 3; i++) await Server.QueryAsync(name, new { sql = "INSERT INTO t VALUES (?)", @params = new[] { i } });
        for (var i = 0; i < 4; i++) await Server.QueryAsync(name, new { sql = "SELECT * FROM t" });

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/#/db/{name}/metrics");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Queries per hour" })).ToBeVisibleAsync();
        // Drawn from data: the bars have height, and the table behind the chart holds the counts.
        var bars = page.GetByRole(AriaRole.Img, new() { Name = "Queries per hour" }).Locator("rect.bar");
        var heights = await bars.EvaluateAllAsync<double[]>("bars => bars.map(b => Number(b.getAttribute('height')))");
        Assert.Contains(heights, h => h > 0);
        // The figures behind the chart (folded away in a <details>): 4 read queries in all, whichever hours they fell in.
        var figures = page.GetByRole(AriaRole.Table, new() { Name = "Queries per hour", IncludeHidden = true });
        var reads = await figures.Locator("tbody tr td:first-of-type").EvaluateAllAsync<double[]>("cells => cells.map(c => Number(c.textContent))");
        Assert.Equal(4, reads.Sum());
        var insights = page.GetByRole(AriaRole.Region, new() { Name = "Query insights" });
        var select = insights.GetByRole(AriaRole.Row).Filter(new() { HasText = "SELECT * FROM t" });
        await Expect(select.Locator("td").Nth(1)).ToHaveTextAsync("4");
        await Expect(insights.GetByRole(AriaRole.Row).Filter(new() { HasText = "INSERT INTO t VALUES (?)" }).Locator("td").Nth(6)).ToHaveTextAsync("3");
        await page.ScreenshotAsync(new() { Path = Shot("metrics.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_read_token_sees_no_write_controls_and_its_writes_are_refused()
    {
        var name = "ro-" + Guid.NewGuid().ToString("N")[..6];
        await Server.CreateDatabaseAsync(name);
        await Server.QueryAsync(name, new { sql = "CREATE TABLE t(x); INSERT INTO t VALUES (1)" });

        var page = await fixture.SignedInPageAsync(fixture.ReadToken);
        await Expect(page.GetByText("reader · read only")).ToBeVisibleAsync();
        // By name: other tests create databases on the shared server, so it may not be on the first page.
        await page.GetByLabel("Search by name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create database" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Delete") })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Shot("read-token.png"), FullPage = true });

        await page.GotoAsync($"/#/db/{name}/time-travel");
        await Expect(page.GetByText("This token may only read")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new("Restore|Fork") })).ToHaveCountAsync(0);

        // The console still reads; a write is refused by the server and the refusal is shown.
        await page.GotoAsync($"/#/db/{name}/console");
        await page.GetByLabel("SQL", new() { Exact = true }).FillAsync("INSERT INTO t VALUES (2)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("HTTP 403");
        Assert.Equal(1, await CountAsync(name));
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_console_fits_a_narrow_screen()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        var name = "narrow-" + Guid.NewGuid().ToString("N")[..6];
        await Server.CreateDatabaseAsync(name);
        await page.GotoAsync($"/#/db/{name}/console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Result: 0 rows")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("narrow-console.png"), FullPage = true });
        await page.ReloadAsync(); // focus starts at the top of a freshly loaded page
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "SQL console" })).ToBeVisibleAsync();
        // Nothing wider than the screen: the page does not scroll sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        // Keyboard: Tab from the top reaches the skip link first, and focus is drawn.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Batch_mode_sends_one_parameter_array_per_statement_and_the_list_pages()
    {
        var prefix = "pg" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 12; i++) await Server.CreateDatabaseAsync($"{prefix}-{i:00}");
        var page = await fixture.SignedInPageAsync();
        await page.GetByLabel("Search by name").FillAsync(prefix);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByText("Page 1 of 2")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("Page 2 of 2")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"{prefix}-11" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"{prefix}-00" })).ToHaveCountAsync(0);

        await page.GotoAsync($"/#/db/{prefix}-00/console");
        await page.GetByLabel("SQL", new() { Exact = true }).FillAsync("SELECT ? AS a;\nSELECT ? AS b, ? AS c;");
        await page.GetByLabel("Parameters (JSON array)").FillAsync("[[1], [\"two\", 9223372036854775807]]");
        await page.GetByLabel("Batch mode (one statement per line ending in ;, sent as a D1 batch)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Statement 2: 1 row")).ToBeVisibleAsync();
        var second = page.GetByRole(AriaRole.Region, new() { Name = "Statement 2 rows" });
        await Expect(second.GetByRole(AriaRole.Cell, new() { Name = "9223372036854775807" })).ToBeVisibleAsync();
        await Expect(second.GetByRole(AriaRole.Cell, new() { Name = "two" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Statement 1 rows" }).GetByRole(AriaRole.Cell, new() { Name = "1" })).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    async Task<int> CountAsync(string database)
    {
        var reply = await Server.QueryAsync(database, new { sql = "SELECT count(*) AS n FROM t" });
        Assert.True(reply.Success, reply.Text);
        return reply.Result[0].GetProperty("results")[0].GetProperty("n").GetInt32();
    }
}
