using Blog.Data;

namespace Blog.Api;

/// <summary>Posts: the caller's posts (list, create, update, publish, delete, bulk insert, transfer) and the public search and related posts.</summary>
public static class PostsApi
{
    public static void MapPostsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/posts");
        api.MapGet("", Mine).RequireAuthorization();
        api.MapPost("", Create).RequireAuthorization();
        api.MapPut("/{id:long}", Update).RequireAuthorization();
        api.MapDelete("/{id:long}", Delete).RequireAuthorization();
        api.MapPost("/{id:long}/publish", Publish).RequireAuthorization();
        api.MapPost("/bulk", Bulk).RequireAuthorization();
        api.MapPost("/transfer", Transfer).RequireAuthorization();
        api.MapGet("/search", Search);
        api.MapGet("/{id:long}/related", Related);
    }

    static async Task<IResult> Mine(HttpContext context, UserStore users, PostStore posts, CancellationToken cancellationToken,
        bool includeUnpublished = false)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        return Results.Ok(await posts.ForUserAsync(user.Id, includeUnpublished, cancellationToken));
    }

    static async Task<IResult> Create(PostInput body, HttpContext context, UserStore users, PostStore posts, CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        if (string.IsNullOrWhiteSpace(body.Title) || string.IsNullOrWhiteSpace(body.Content))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Title and content are required");
        var post = await posts.CreateAsync(user.Id, body.Title, body.Content, body.Published ?? false, cancellationToken);
        return Results.Json(post, statusCode: StatusCodes.Status201Created);
    }

    static async Task<IResult> Update(long id, PostInput body, HttpContext context, UserStore users, PostStore posts, CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        if (await posts.GetAsync(id, cancellationToken) is not { } post || post.UserId != user.Id)
            return ApiResults.Error(StatusCodes.Status404NotFound, "Post not found");
        var updated = await posts.UpdateAsync(id, user.Id, body.Title ?? post.Title, body.Content ?? post.Content, body.Published ?? post.Published, cancellationToken);
        return updated is null ? ApiResults.Error(StatusCodes.Status404NotFound, "Post not found") : Results.Ok(updated);
    }

    static async Task<IResult> Delete(long id, HttpContext context, UserStore users, PostStore posts, CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        return await posts.DeleteAsync(id, user.Id, cancellationToken) ? Results.NoContent() : ApiResults.Error(StatusCodes.Status404NotFound, "Post not found");
    }

    static async Task<IResult> Publish(long id, HttpContext context, UserStore users, PostStore posts, CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        return await posts.PublishAsync(id, user.Id, cancellationToken)
            ? Results.Ok(new { Published = true })
            : ApiResults.Error(StatusCodes.Status404NotFound, "Post not found");
    }

    static async Task<IResult> Bulk(BulkPostsRequest body, HttpContext context, UserStore users, BlogTransactions transactions,
        CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        if (body.Posts is not { Count: > 0 } list || list.Any(p => string.IsNullOrWhiteSpace(p.Title)))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "posts must be a non-empty list, each with a title");
        var ids = await transactions.BulkInsertPostsAsync(user.Id, [.. list.Select(p => (p.Title!, p.Content, p.Published ?? false))], cancellationToken);
        return Results.Ok(new { Total = list.Count, Successful = ids.Count, Failed = list.Count - ids.Count, InsertedIds = ids });
    }

    static async Task<IResult> Transfer(TransferRequest body, HttpContext context, UserStore users, BlogTransactions transactions,
        CancellationToken cancellationToken)
    {
        if (await UsersApi.CurrentUser(context, users, cancellationToken) is not { } user) return UsersApi.Unauthenticated();
        if (body.ToUserId is not { } to) return ApiResults.Error(StatusCodes.Status400BadRequest, "to_user_id is required");
        return await transactions.TransferPostsAsync(user.Id, to, cancellationToken) is { } moved
            ? Results.Ok(new { Success = true, PostsTransferred = moved })
            : ApiResults.Error(StatusCodes.Status404NotFound, "User not found");
    }

    static async Task<IResult> Search(Analytics analytics, CancellationToken cancellationToken, string? q = null, int limit = 20, int offset = 0)
    {
        if (string.IsNullOrWhiteSpace(q)) return ApiResults.Error(StatusCodes.Status400BadRequest, "q is required");
        if (limit is < 1 or > 100 || offset < 0) return ApiResults.Error(StatusCodes.Status400BadRequest, "limit must be 1-100 and offset at least 0");
        return Results.Ok(await analytics.SearchPostsAsync(q, limit, offset, cancellationToken));
    }

    static async Task<IResult> Related(long id, Analytics analytics, CancellationToken cancellationToken, int limit = 5)
        => limit is < 1 or > 50
            ? ApiResults.Error(StatusCodes.Status400BadRequest, "limit must be 1-50")
            : Results.Ok(await analytics.RelatedPostsAsync(id, limit, cancellationToken));
}
