using Atoll.Client;
using Blog.Auth;
using Blog.Data;
using Microsoft.AspNetCore.Identity;

namespace Blog.Api;

/// <summary>Users: the public paginated list and profiles, the caller's own profile, and the guide's create-user-with-post transaction.</summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/users");
        api.MapGet("", List);
        api.MapGet("/{id:long}", Get);
        api.MapGet("/me", Me).RequireAuthorization();
        api.MapPut("/me", UpdateMe).RequireAuthorization();
        api.MapDelete("/me", DeleteMe).RequireAuthorization();
        api.MapPost("/with-post", CreateWithPost);
    }

    static async Task<IResult> List(UserStore users, CancellationToken cancellationToken, int limit = 10, int offset = 0)
    {
        if (limit is < 1 or > 100 || offset < 0) return ApiResults.Error(StatusCodes.Status400BadRequest, "limit must be 1-100 and offset at least 0");
        return Results.Ok(await users.PageAsync(limit, offset, cancellationToken));
    }

    static async Task<IResult> Get(long id, UserStore users, CancellationToken cancellationToken)
        => await users.GetAsync(id, cancellationToken) is { } user ? Results.Ok(user) : ApiResults.Error(StatusCodes.Status404NotFound, "User not found");

    static async Task<IResult> Me(HttpContext context, UserStore users, CancellationToken cancellationToken)
        => await CurrentUser(context, users, cancellationToken) is { } user ? Results.Ok(user) : Unauthenticated();

    static async Task<IResult> UpdateMe(ProfileUpdate body, HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        if (await CurrentUser(context, users, cancellationToken) is not { } user) return Unauthenticated();
        try
        {
            var updated = await users.UpdateAsync(user.Id, body.Name ?? user.Name, body.Email ?? user.Email, body.Bio ?? user.Bio, cancellationToken);
            return updated is null ? ApiResults.Error(StatusCodes.Status404NotFound, "Failed to update user or user not found") : Results.Ok(updated);
        }
        catch (D1Exception ex) when (ApiResults.IsDuplicateEmail(ex))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, "User with this email already exists");
        }
    }

    static async Task<IResult> DeleteMe(HttpContext context, UserStore users, CancellationToken cancellationToken)
        => TokenIssuer.UserId(context.User) is { } id && await users.DeleteAsync(id, cancellationToken) ? Results.NoContent() : Unauthenticated();

    static async Task<IResult> CreateWithPost(UserWithPostRequest body, BlogTransactions transactions, IPasswordHasher<BlogUser> hasher,
        TokenIssuer tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password)
            || string.IsNullOrWhiteSpace(body.Post?.Title))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Name, email, password and post.title are required");
        try
        {
            var (userId, postId) = await transactions.CreateUserWithPostAsync(body.Name, body.Email, hasher.HashPassword(new BlogUser(body.Email), body.Password),
                body.Post.Title, body.Post.Content, body.Post.Published ?? false, cancellationToken);
            return Results.Json(new
            {
                User = new { Id = userId, body.Name, body.Email },
                Post = new { Id = postId, UserId = userId, body.Post.Title, body.Post.Content, Published = body.Post.Published ?? false },
                Token = tokens.Issue(userId, body.Email),
            }, statusCode: StatusCodes.Status201Created);
        }
        catch (D1Exception ex) when (ApiResults.IsDuplicateEmail(ex))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, "User with this email already exists");
        }
    }

    /// <summary>The guide's <c>authenticateRequest</c>: the token's user, loaded from the database (null when it no longer exists).</summary>
    internal static async Task<UserProfile?> CurrentUser(HttpContext context, UserStore users, CancellationToken cancellationToken)
        => TokenIssuer.UserId(context.User) is { } id ? await users.GetAsync(id, cancellationToken) : null;

    internal static IResult Unauthenticated() => ApiResults.Error(StatusCodes.Status401Unauthorized, "Authentication required");
}
