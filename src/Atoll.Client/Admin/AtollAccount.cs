namespace Atoll.Client.Admin;

/// <summary>An account on an Atoll server: the owner of databases and tokens.</summary>
/// <param name="Id">The account id (32 hex digits), used in every REST path.</param>
/// <param name="Name">The account's display name.</param>
/// <param name="CreatedOn">When the account was created.</param>
public sealed record AtollAccount(string Id, string Name, DateTimeOffset CreatedOn);
