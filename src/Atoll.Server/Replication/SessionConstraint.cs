using Atoll.Engine;
using Atoll.Server.Api;

namespace Atoll.Server.Replication;

/// <summary>
/// What a session asks of the instance that serves its next query, as workerd's shim sends it in
/// <c>x-cf-d1-session-commit-token</c> (and REST clients in the same header): the primary, any instance, or one that has
/// applied a bookmark.
/// </summary>
public readonly record struct SessionConstraint(SessionStart Start, Bookmark? AtLeast)
{
    /// <summary>The request header, shared by the binding and the REST API.</summary>
    public const string Header = "x-cf-d1-session-commit-token";

    public static readonly SessionConstraint Primary = new(SessionStart.Primary, null);

    /// <summary>Reads the header; none (plain queries, outside <c>withSession</c>) means the primary.</summary>
    /// <exception cref="ApiException">A value that is neither a constraint nor a bookmark (400).</exception>
    public static SessionConstraint Parse(string? value) => value switch
    {
        null or "" or "first-primary" => Primary,
        "first-unconstrained" => new(SessionStart.Unconstrained, null),
        _ when Bookmark.TryParse(value, out var bookmark) => new(SessionStart.Bookmark, bookmark),
        _ => throw ApiException.BadRequest(
            $"Header {Header} must be \"first-primary\", \"first-unconstrained\" or a bookmark (XXXXXXXX-XXXXXXXX-XXXXXXXX-<32 hex>); got \"{Truncate(value)}\"."),
    };

    /// <summary>
    /// Reads the binding's header: a value that is neither a constraint nor a bookmark means the primary, as it always
    /// did (the shim forwards whatever <c>withSession()</c> was given; the primary is at or past every state).
    /// </summary>
    public static SessionConstraint ParseBinding(string? value)
        => value is "first-unconstrained" || Bookmark.TryParse(value, out _) ? Parse(value) : Primary;

    static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>Where a session may start.</summary>
public enum SessionStart
{
    /// <summary>On the primary (no header, or <c>first-primary</c>).</summary>
    Primary,
    /// <summary>On any instance, the nearest first (<c>first-unconstrained</c>).</summary>
    Unconstrained,
    /// <summary>On an instance that has applied the bookmark.</summary>
    Bookmark,
}
