using System.Text.Json.Serialization;

namespace Blog.Data;

/// <summary>A user as the API shows it (never with the password hash).</summary>
public sealed record UserProfile(long Id, string Name, string Email, string? Bio, string? AvatarUrl, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>What login needs: the stored hash.</summary>
public sealed record UserCredentials(long Id, string Name, string Email, string PasswordHash, DateTime CreatedAt);

/// <summary>A post, with its author's name and email when the query joins them in, and the related-posts score.</summary>
public sealed class PostView
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string Title { get; set; } = "";
    public string? Content { get; set; }
    public bool Published { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public long? CategoryId { get; set; }
    public string? AuthorName { get; set; }
    public string? AuthorEmail { get; set; }
    public long? SimilarityScore { get; set; }
}

/// <summary>The guide's <c>getUserStatistics</c> row.</summary>
public sealed record UserStatistics(long TotalUsers, [property: JsonPropertyName("users_last_30_days")] long UsersLast30Days,
    [property: JsonPropertyName("users_last_7_days")] long UsersLast7Days, double? AvgPostsPerUser);

/// <summary>The guide's <c>getPostStatistics</c> row.</summary>
public sealed record PostStatistics(long TotalPosts, long PublishedPosts, long DraftPosts,
    [property: JsonPropertyName("posts_last_30_days")] long PostsLast30Days, double? AvgContentLength);

/// <summary>The guide's <c>getTopAuthors</c> row.</summary>
public sealed record TopAuthor(long Id, string Name, string Email, long PostCount, long PublishedCount, double? AvgContentLength);

/// <summary>The guide's <c>getContentTrends</c> row.</summary>
public sealed record ContentTrend(string Date, long PostsCreated, long PostsPublished, double? AvgContentLength);

/// <summary>A row of the migrations table.</summary>
public sealed record MigrationStatus(string Name, DateTime ExecutedAt);

/// <summary>One page of users.</summary>
public sealed record UserPage(IReadOnlyList<UserProfile> Users, long Total, int Limit, int Offset, bool HasMore);
