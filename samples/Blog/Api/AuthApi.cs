using Atoll.Client;
using Blog.Auth;
using Blog.Data;
using Microsoft.AspNetCore.Identity;

namespace Blog.Api;

/// <summary>The guide's public routes: <c>POST /auth/register</c> and <c>POST /auth/login</c>.</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/auth");
        api.MapPost("/register", Register);
        api.MapPost("/login", Login);
    }

    static async Task<IResult> Register(RegisterRequest body, UserStore users, IPasswordHasher<BlogUser> hasher, TokenIssuer tokens,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Name, email, and password are required");
        if (await users.EmailExistsAsync(body.Email, cancellationToken))
            return ApiResults.Error(StatusCodes.Status409Conflict, "User with this email already exists");
        UserProfile user;
        try
        {
            user = await users.CreateAsync(body.Name, body.Email, hasher.HashPassword(new BlogUser(body.Email), body.Password), null, cancellationToken);
        }
        catch (D1Exception ex) when (ApiResults.IsDuplicateEmail(ex))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, "User with this email already exists");
        }
        var result = new AuthResult(new AuthUser(user.Id, user.Name, user.Email, user.CreatedAt), tokens.Issue(user.Id, user.Email));
        return Results.Json(result, statusCode: StatusCodes.Status201Created);
    }

    static async Task<IResult> Login(LoginRequest body, UserStore users, IPasswordHasher<BlogUser> hasher, TokenIssuer tokens,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Email and password are required");
        var user = await users.GetCredentialsAsync(body.Email, cancellationToken);
        if (user is null || hasher.VerifyHashedPassword(new BlogUser(user.Email), user.PasswordHash, body.Password) == PasswordVerificationResult.Failed)
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "Invalid credentials");
        return Results.Ok(new AuthResult(new AuthUser(user.Id, user.Name, user.Email, user.CreatedAt), tokens.Issue(user.Id, user.Email)));
    }
}
