using System.ComponentModel.DataAnnotations;

namespace Blog.Auth;

/// <summary>Token settings (section <c>Jwt</c>).</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>The HMAC-SHA256 key; at least 32 bytes.</summary>
    [Required, MinLength(32)]
    public string Secret { get; set; } = "";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);
}
