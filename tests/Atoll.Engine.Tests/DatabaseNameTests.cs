namespace Atoll.Engine.Tests;

public sealed class DatabaseNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("my-db_2")]
    [InlineData("0start")]
    [InlineData("UPPER-lower")]
    public void TryParse_accepts_names_that_follow_d1s_rule(string text)
    {
        Assert.True(DatabaseName.TryParse(text, out var name));
        Assert.Equal(text, name.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../../etc")]
    [InlineData("a\0b")]
    [InlineData("-leading")]
    [InlineData("_leading")]
    [InlineData("has space")]
    [InlineData("é")]
    [InlineData("0e9b3c3a-8f53-4f8e-9d37-1c2b3a4d5e6f")]   // a uuid: names and uuids share one lookup
    public void TryParse_refuses_names_outside_the_rule(string? text)
        => Assert.False(DatabaseName.TryParse(text, out _));

    [Fact]
    public void TryParse_takes_255_characters_and_no_more()
    {
        Assert.True(DatabaseName.IsValid(new string('a', 255)));
        Assert.False(DatabaseName.IsValid(new string('a', 256)));
        Assert.False(DatabaseName.IsValid(new string('a', 5000)));
    }

    [Fact]
    public void Parse_throws_a_7400_stating_the_rule()
    {
        var error = Assert.Throws<D1Exception>(() => DatabaseName.Parse("a/b"));
        Assert.Equal((D1ErrorCode.BadRequest, DatabaseName.Rule), (error.Code, error.Message));
    }
}
