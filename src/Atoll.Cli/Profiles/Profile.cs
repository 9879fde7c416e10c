namespace Atoll.Cli.Profiles;

/// <summary>One saved connection: a server, a token, and optionally the account to work in.</summary>
internal sealed record Profile(string Url, string Token, string? Account);
