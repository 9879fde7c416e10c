namespace Blog.Data;

/// <summary>The blog's one D1 binding, as a Worker's <c>wrangler.toml</c> would name it.</summary>
public static class BlogDatabase
{
    public const string Binding = "DB";
}
