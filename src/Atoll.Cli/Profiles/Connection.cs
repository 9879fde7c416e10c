namespace Atoll.Cli.Profiles;

/// <summary>The server, token and account a command uses, after environment variables override the profile.</summary>
internal sealed record Connection(string ProfileName, string Url, string Token, string? Account);
