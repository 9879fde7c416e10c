using Atoll.Engine;
using Atoll.Server.Protocol;

namespace Atoll.Server.Tests.Protocol;

public sealed class CommentOnlySqlTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("   ", true)]
    [InlineData("\n\n", true)]
    [InlineData("   -- note", true)]
    [InlineData("\n-- a\n  -- b\n", true)]
    [InlineData("-- at column 0", false)]          // miniflare's regex needs whitespace before --: D1 then fails the query
    [InlineData("/* block */", false)]
    [InlineData(";", false)]
    [InlineData("SELECT 1", false)]
    [InlineData("  SELECT 1 -- trailing", false)]
    [InlineData("  -- note\nSELECT 1", false)]
    [InlineData("  -- note\rSELECT 1", false)]     // JavaScript's "." stops at \r, so the statement after it stays
    public void IsCommentOnly_follows_miniflares_rule(string sql, bool expected) => Assert.Equal(expected, CommentOnlySql.IsCommentOnly(sql));

    [Fact]
    public void Drop_keeps_order_and_returns_the_same_list_when_nothing_is_dropped()
    {
        IReadOnlyList<Statement> none = [new("SELECT 1"), new("SELECT 2")];
        Assert.Same(none, CommentOnlySql.Drop(none));

        var kept = CommentOnlySql.Drop([new("SELECT 1"), new("  -- c"), new(""), new("SELECT 2")]);
        Assert.Equal(["SELECT 1", "SELECT 2"], kept.Select(s => s.Sql));
    }
}
