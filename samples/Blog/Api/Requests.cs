namespace Blog.Api;

public sealed record RegisterRequest(string? Name, string? Email, string? Password);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ProfileUpdate(string? Name, string? Email, string? Bio);

public sealed record PostInput(string? Title, string? Content, bool? Published);

public sealed record UserWithPostRequest(string? Name, string? Email, string? Password, PostInput? Post);

public sealed record BulkPostsRequest(IReadOnlyList<PostInput>? Posts);

public sealed record TransferRequest(long? ToUserId);

/// <summary>The guide's error body: <c>{"error": "…"}</c>.</summary>
public sealed record ErrorBody(string Error);

/// <summary>What register and login return.</summary>
public sealed record AuthResult(AuthUser User, string Token);

public sealed record AuthUser(long Id, string Name, string Email, DateTime CreatedAt);
