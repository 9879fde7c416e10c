using System.Text.Json;
using System.Text.Json.Serialization;
using Atoll.Client;
using Blog.Api;
using Blog.Auth;
using Blog.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

var builder = WebApplication.CreateBuilder(args);

// The D1 binding "DB": the section D1:DB in appsettings.json (embedded by default; see README for a server).
builder.Services.AddD1Database(BlogDatabase.Binding, options =>
{
    if (options.DataDirectory is { } directory && !Path.IsPathRooted(directory))
        options.DataDirectory = Path.Combine(builder.Environment.ContentRootPath, directory);
});
builder.Services.AddSingleton<Migrations>();
builder.Services.AddSingleton<UserStore>();
builder.Services.AddSingleton<PostStore>();
builder.Services.AddSingleton<BlogTransactions>();
builder.Services.AddSingleton<Analytics>();
builder.Services.AddHostedService<MigrateOnStart>();

builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TokenIssuer>();
builder.Services.AddSingleton<IPasswordHasher<BlogUser>, PasswordHasher<BlogUser>>();
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<JwtOptions>>((bearer, jwt) =>
{
    bearer.MapInboundClaims = false;
    bearer.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = jwt.Value.Issuer,
        ValidAudience = jwt.Value.Audience,
        IssuerSigningKey = TokenIssuer.Key(jwt.Value),
        ClockSkew = TimeSpan.FromSeconds(30),
    };
});
builder.Services.AddAuthorization();
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower; // the guide's field names: created_at, author_name…
    json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
});

var app = builder.Build();
app.UseExceptionHandler(error => error.Run(context =>
    Results.Json(new ErrorBody("Internal error"), statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(context)));
app.UseAuthentication();
app.UseAuthorization();
app.MapAuthApi();
app.MapUsersApi();
app.MapPostsApi();
app.MapAnalyticsApi();

await app.RunAsync();

/// <summary>The sample's entry point (public for the tests' WebApplicationFactory).</summary>
public partial class Program;
