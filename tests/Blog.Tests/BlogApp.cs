using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Blog.Tests;

/// <summary>The blog, hosted in-process with its D1 binding pointed where a test says, and a client for it.</summary>
public sealed class BlogApp : WebApplicationFactory<Program>
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    readonly IReadOnlyDictionary<string, string?> _settings;

    public BlogApp(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = CreateClient();
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(int Status, JsonElement Body)> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, null, token);

    public Task<(int Status, JsonElement Body)> PostAsync(string path, object body, string? token = null) => SendAsync(HttpMethod.Post, path, body, token);

    /// <summary>Registers a user and returns its id and token.</summary>
    public async Task<(long Id, string Token)> RegisterAsync(string name, string email, string password = "correct horse battery")
    {
        var (status, body) = await PostAsync("/auth/register", new { name, email, password });
        Assert.Equal(201, status);
        return (body.GetProperty("user").GetProperty("id").GetInt64(), body.GetProperty("token").GetString()!);
    }
}
