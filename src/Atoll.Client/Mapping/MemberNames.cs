namespace Atoll.Client.Mapping;

/// <summary>Column-to-member name matching: <c>author_name</c>, <c>authorName</c> and <c>AuthorName</c> are the same name.</summary>
internal static class MemberNames
{
    public static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
