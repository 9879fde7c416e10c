using Atoll.Cli.Shell;

namespace Atoll.Cli.Tests.Shell;

public sealed class StatementBufferTests
{
    [Theory]
    [InlineData("SELECT 1;", new[] { "SELECT 1;" })]
    [InlineData("SELECT 'a;b'; SELECT 2;", new[] { "SELECT 'a;b';", "SELECT 2;" })]
    [InlineData("SELECT 1 -- not; the end", new string[0])]
    [InlineData("SELECT /* ; */ \"x;\" FROM [a;b];", new[] { "SELECT /* ; */ \"x;\" FROM [a;b];" })]
    public void Add_completes_statements_only_at_a_semicolon_outside_quotes_and_comments(string line, string[] expected)
        => Assert.Equal(expected, new StatementBuffer().Add(line));

    [Fact]
    public void Add_keeps_an_unfinished_statement_across_lines()
    {
        var buffer = new StatementBuffer();
        Assert.Empty(buffer.Add("SELECT"));
        Assert.False(buffer.IsEmpty);
        Assert.Equal(["SELECT\n  1;"], buffer.Add("  1;"));
        Assert.True(buffer.IsEmpty);
    }
}
