namespace Blog.Auth;

/// <summary>The user type ASP.NET Core Identity's password hasher is keyed on; the hash does not depend on it.</summary>
public sealed record BlogUser(string Email);
