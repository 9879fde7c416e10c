using System.Text.RegularExpressions;
using Atoll.Engine;

namespace Atoll.Server.Protocol;

/// <summary>
/// The binding's rule for SQL texts that hold nothing to run: miniflare (the oracle) drops every query whose SQL,
/// after removing indented <c>--</c> comment lines, is blank, before it runs anything.
/// </summary>
/// <remarks>
/// The rule is miniflare's regex <c>/^\s+--.*/gm</c>, kept exactly, quirks included: a <c>--</c> comment at column 0
/// of the first line is not removed, so <c>exec("-- note")</c> still fails as D1 does.
/// </remarks>
public static partial class CommentOnlySql
{
    // [^\n\r\u2028\u2029] is JavaScript's "." (which .NET's "." is not: it also crosses \r).
    [GeneratedRegex(@"^\s+--[^\n\r\u2028\u2029]*", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex IndentedComment();

    /// <summary>True when <paramref name="sql"/> is blank once indented comment lines are removed.</summary>
    public static bool IsCommentOnly(string sql)
    {
        if (sql.Length == 0) return true;
        // Text that starts with a non-blank character keeps it whatever the regex removes: the common case, no regex.
        if (!char.IsWhiteSpace(sql[0])) return false;
        return IndentedComment().Replace(sql, "").AsSpan().Trim().IsEmpty;
    }

    /// <summary>The statements that hold something to run, in order (the same list when none was dropped).</summary>
    public static IReadOnlyList<Statement> Drop(IReadOnlyList<Statement> statements)
    {
        var keep = 0;
        foreach (var statement in statements) if (!IsCommentOnly(statement.Sql)) keep++;
        if (keep == statements.Count) return statements;
        var kept = new List<Statement>(keep);
        foreach (var statement in statements) if (!IsCommentOnly(statement.Sql)) kept.Add(statement);
        return kept;
    }
}
