namespace Atoll.Server.Binding;

/// <summary>
/// The headers of the binding protocol. workerd sends every D1 call to one host (<c>http://d1</c>); the database and the
/// credentials travel in headers that workerd injects (<c>external = (http = (injectRequestHeaders = […]))</c>).
/// </summary>
public static class BindingHeaders
{
    /// <summary>The database the binding is bound to: its uuid or its name, within <see cref="Account"/>.</summary>
    public const string Database = "x-atoll-database";

    /// <summary>The account that owns <see cref="Database"/>; the token must be valid for it.</summary>
    public const string Account = "x-atoll-account";

    /// <summary>The API token, as <c>Bearer &lt;token&gt;</c> (the REST API's own header).</summary>
    public const string Authorization = "authorization";

    /// <summary>
    /// D1's session header: sent by <c>withSession()</c> (<c>first-primary</c>, <c>first-unconstrained</c> or a bookmark),
    /// answered with the bookmark the response reflects.
    /// </summary>
    public const string SessionCommitToken = "x-cf-d1-session-commit-token";
}
