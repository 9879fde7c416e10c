using System.Text.Json;
using Atoll.Client;
using Blog.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Blog.Tests;

/// <summary>The guide's application, end to end over HTTP; run against embedded mode and against a real Atoll server.</summary>
public abstract class BlogContract : IAsyncDisposable
{
    BlogApp? _app;

    /// <summary>The D1:DB settings that point the blog at the transport under test, for a database of its own.</summary>
    protected abstract Dictionary<string, string?> DatabaseSettings(string database);

    protected BlogApp App => _app ??= new BlogApp(DatabaseSettings("blog-" + Guid.NewGuid().ToString("N")[..12]));

    protected ID1Database Database => App.Services.GetRequiredKeyedService<ID1Database>(BlogDatabase.Binding);

    [Fact]
    public async Task Register_and_login_issue_tokens_that_open_the_protected_routes()
    {
        var (id, token) = await App.RegisterAsync("Ada", "ada@example.com", "s3cret-pass");
        var (status, me) = await App.GetAsync("/users/me", token);
        Assert.Equal((200, id, "Ada"), (status, me.GetProperty("id").GetInt64(), me.GetProperty("name").GetString()));
        Assert.False(me.TryGetProperty("password_hash", out _));

        Assert.Equal(409, (await App.PostAsync("/auth/register", new { name = "Ada", email = "ada@example.com", password = "x" })).Status);
        Assert.Equal(400, (await App.PostAsync("/auth/register", new { name = "Ada" })).Status);
        var (loginStatus, login) = await App.PostAsync("/auth/login", new { email = "ada@example.com", password = "s3cret-pass" });
        Assert.Equal(200, loginStatus);
        Assert.Equal(200, (await App.GetAsync("/users/me", login.GetProperty("token").GetString())).Status);
        var (wrongStatus, wrong) = await App.PostAsync("/auth/login", new { email = "ada@example.com", password = "nope" });
        Assert.Equal((401, "Invalid credentials"), (wrongStatus, wrong.GetProperty("error").GetString()));
        Assert.Equal(401, (await App.GetAsync("/users/me")).Status);
        Assert.Equal(401, (await App.GetAsync("/users/me", token[..^4] + "AAAA")).Status);
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_hashes()
    {
        await App.RegisterAsync("Ada", "ada@example.com", "same-password");
        await App.RegisterAsync("Bob", "bob@example.com", "same-password");
        var hashes = (await Database.Prepare("SELECT password_hash FROM users ORDER BY id").AllAsync<string>(TestContext.Current.CancellationToken)).Results;
        Assert.All(hashes, h => Assert.StartsWith("AQAAAA", h)); // ASP.NET Core Identity's v3 format (PBKDF2)
        Assert.NotEqual(hashes[0], hashes[1]);
        Assert.DoesNotContain(hashes, h => h!.Contains("same-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Posts_are_created_listed_updated_published_and_deleted_by_their_author_only()
    {
        var (adaId, ada) = await App.RegisterAsync("Ada", "ada@example.com");
        var (_, bob) = await App.RegisterAsync("Bob", "bob@example.com");
        var (created, post) = await App.PostAsync("/posts", new { title = "Draft", content = "text" }, ada);
        Assert.Equal(201, created);
        var postId = post.GetProperty("id").GetInt64();
        Assert.Equal((adaId, false), (post.GetProperty("user_id").GetInt64(), post.GetProperty("published").GetBoolean()));
        Assert.Equal(400, (await App.PostAsync("/posts", new { title = "No content" }, ada)).Status);

        Assert.Equal(0, (await App.GetAsync("/posts", ada)).Body.GetArrayLength());
        var all = (await App.GetAsync("/posts?includeUnpublished=true", ada)).Body;
        Assert.Equal("Ada", all[0].GetProperty("author_name").GetString());

        Assert.Equal(404, (await App.SendAsync(HttpMethod.Put, $"/posts/{postId}", new { title = "Hijack" }, bob)).Status);
        var (updated, renamed) = await App.SendAsync(HttpMethod.Put, $"/posts/{postId}", new { title = "Final" }, ada);
        Assert.Equal((200, "Final", "text"), (updated, renamed.GetProperty("title").GetString(), renamed.GetProperty("content").GetString()));
        Assert.Equal(404, (await App.PostAsync($"/posts/{postId}/publish", new { }, bob)).Status);
        Assert.Equal(200, (await App.PostAsync($"/posts/{postId}/publish", new { }, ada)).Status);
        Assert.Equal("Final", (await App.GetAsync("/posts", ada)).Body[0].GetProperty("title").GetString());

        Assert.Equal(404, (await App.SendAsync(HttpMethod.Delete, $"/posts/{postId}", token: bob)).Status);
        Assert.Equal(204, (await App.SendAsync(HttpMethod.Delete, $"/posts/{postId}", token: ada)).Status);
        Assert.Equal(0, (await App.GetAsync("/posts?includeUnpublished=true", ada)).Body.GetArrayLength());
    }

    [Fact]
    public async Task Users_are_listed_a_page_at_a_time()
    {
        foreach (var name in new[] { "Ada", "Bob", "Cy" }) await App.RegisterAsync(name, $"{name.ToLowerInvariant()}@example.com");
        var (status, first) = await App.GetAsync("/users?limit=2&offset=0");
        Assert.Equal(200, status);
        Assert.Equal((3L, 2, true), (first.GetProperty("total").GetInt64(), first.GetProperty("users").GetArrayLength(), first.GetProperty("has_more").GetBoolean()));
        var second = (await App.GetAsync("/users?limit=2&offset=2")).Body;
        Assert.Equal((1, false), (second.GetProperty("users").GetArrayLength(), second.GetProperty("has_more").GetBoolean()));
        var names = first.GetProperty("users").EnumerateArray().Concat(second.GetProperty("users").EnumerateArray()).Select(u => u.GetProperty("name").GetString());
        Assert.Equal(["Ada", "Bob", "Cy"], names.Order());
        Assert.Equal(400, (await App.GetAsync("/users?limit=0")).Status);
        Assert.Equal(404, (await App.GetAsync("/users/999")).Status);
    }

    [Fact]
    public async Task Search_finds_published_posts_by_title_content_or_author_and_related_posts_share_title_words()
    {
        var (_, ada) = await App.RegisterAsync("Ada Lovelace", "ada@example.com");
        var (_, bob) = await App.RegisterAsync("Bob", "bob@example.com");
        var hello = await CreatePost(ada, "Hello World Again", "engines", published: true);
        var news = await CreatePost(bob, "World news", "analytical", published: true);
        await CreatePost(bob, "Hello there", "greetings", published: true);
        await CreatePost(bob, "World draft", "not yet", published: false);

        Assert.Equal(["Hello World Again"], Titles((await App.GetAsync("/posts/search?q=engine")).Body));
        Assert.Equal(["World news"], Titles((await App.GetAsync("/posts/search?q=analytic")).Body));
        Assert.Equal(["Hello World Again"], Titles((await App.GetAsync("/posts/search?q=lovelace")).Body));
        var author = (await App.GetAsync("/posts/search?q=news")).Body[0];
        Assert.Equal(("Bob", "bob@example.com"), (author.GetProperty("author_name").GetString(), author.GetProperty("author_email").GetString()));

        var related = (await App.GetAsync($"/posts/{hello}/related")).Body;
        Assert.Equal(["Hello there", "World news"], Titles(related).Order());
        Assert.All(related.EnumerateArray(), r => Assert.True(r.GetProperty("similarity_score").GetInt64() > 0));
        Assert.DoesNotContain("World draft", Titles((await App.GetAsync($"/posts/{news}/related")).Body));
    }

    [Fact]
    public async Task Analytics_count_users_posts_authors_and_trends()
    {
        var (_, ada) = await App.RegisterAsync("Ada", "ada@example.com");
        await App.RegisterAsync("Bob", "bob@example.com");
        await CreatePost(ada, "One", "1234", published: true);
        await CreatePost(ada, "Two", "12", published: false);

        var users = (await App.GetAsync("/analytics/users")).Body;
        Assert.Equal((2L, 2L, 2L, 1.0), (users.GetProperty("total_users").GetInt64(), users.GetProperty("users_last_30_days").GetInt64(),
            users.GetProperty("users_last_7_days").GetInt64(), users.GetProperty("avg_posts_per_user").GetDouble()));
        var posts = (await App.GetAsync("/analytics/posts")).Body;
        Assert.Equal((2L, 1L, 1L, 2L, 3.0), (posts.GetProperty("total_posts").GetInt64(), posts.GetProperty("published_posts").GetInt64(),
            posts.GetProperty("draft_posts").GetInt64(), posts.GetProperty("posts_last_30_days").GetInt64(), posts.GetProperty("avg_content_length").GetDouble()));
        var top = Assert.Single((await App.GetAsync("/analytics/top-authors")).Body.EnumerateArray());
        Assert.Equal(("Ada", 2L, 1L), (top.GetProperty("name").GetString(), top.GetProperty("post_count").GetInt64(), top.GetProperty("published_count").GetInt64()));
        var trend = Assert.Single((await App.GetAsync("/analytics/trends?days=7")).Body.EnumerateArray());
        Assert.Equal((DateTime.UtcNow.ToString("yyyy-MM-dd"), 2L), (trend.GetProperty("date").GetString(), trend.GetProperty("posts_created").GetInt64()));
    }

    [Fact]
    public async Task The_guides_transactions_run_as_atomic_batches()
    {
        var (adaId, ada) = await App.RegisterAsync("Ada", "ada@example.com");
        var (bobId, _) = await App.RegisterAsync("Bob", "bob@example.com");
        var (bulkStatus, bulk) = await App.PostAsync("/posts/bulk", new { posts = new[] { new { title = "A" }, new { title = "B" }, new { title = "C" } } }, ada);
        Assert.Equal((200, 3), (bulkStatus, bulk.GetProperty("successful").GetInt32()));
        Assert.Equal(3, bulk.GetProperty("inserted_ids").GetArrayLength());

        var (moved, transfer) = await App.PostAsync("/posts/transfer", new { to_user_id = bobId }, ada);
        Assert.Equal((200, 3L), (moved, transfer.GetProperty("posts_transferred").GetInt64()));
        Assert.Equal(3, await Database.Prepare("SELECT count(*) AS n FROM posts WHERE user_id = ?").Bind(bobId).FirstAsync<int>("n", TestContext.Current.CancellationToken));
        Assert.Equal(404, (await App.PostAsync("/posts/transfer", new { to_user_id = 999 }, ada)).Status);
        Assert.Equal(0, await Database.Prepare("SELECT count(*) AS n FROM posts WHERE user_id = ?").Bind(adaId).FirstAsync<int>("n", TestContext.Current.CancellationToken));

        var (created, both) = await App.PostAsync("/users/with-post", new { name = "Cy", email = "cy@example.com", password = "pw-cy", post = new { title = "Hi", content = "first" } });
        Assert.Equal(201, created);
        var cyId = both.GetProperty("user").GetProperty("id").GetInt64();
        Assert.Equal(cyId, both.GetProperty("post").GetProperty("user_id").GetInt64());
        var owner = await Database.Prepare("SELECT user_id FROM posts WHERE id = ?").Bind(both.GetProperty("post").GetProperty("id").GetInt64())
            .FirstAsync<long>("user_id", TestContext.Current.CancellationToken);
        Assert.Equal(cyId, owner);

        var postsBefore = await Database.Prepare("SELECT count(*) AS n FROM posts").FirstAsync<int>("n", TestContext.Current.CancellationToken);
        Assert.Equal(409, (await App.PostAsync("/users/with-post", new { name = "Cy2", email = "cy@example.com", password = "pw", post = new { title = "Dup" } })).Status);
        Assert.Equal(postsBefore, await Database.Prepare("SELECT count(*) AS n FROM posts").FirstAsync<int>("n", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Migrations_run_once_each_in_order()
    {
        var (status, migrations) = await App.GetAsync("/migrations");
        Assert.Equal(200, status);
        Assert.Equal(Migrations.All.Select(m => m.Name), migrations.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var runner = App.Services.GetRequiredService<Migrations>();
        foreach (var (name, sql) in Migrations.All) Assert.False(await runner.RunAsync(name, sql, TestContext.Current.CancellationToken));
        Assert.Equal(Migrations.All.Count, (await App.GetAsync("/migrations")).Body.GetArrayLength());
        var columns = await Database.Prepare("SELECT name FROM pragma_table_info('posts')").AllAsync<string>(TestContext.Current.CancellationToken);
        Assert.Contains("category_id", columns.Results);
    }

    async Task<long> CreatePost(string token, string title, string content, bool published)
    {
        var (status, post) = await App.PostAsync("/posts", new { title, content, published }, token);
        Assert.Equal(201, status);
        return post.GetProperty("id").GetInt64();
    }

    static string[] Titles(JsonElement posts) => [.. posts.EnumerateArray().Select(p => p.GetProperty("title").GetString()!)];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;
}
