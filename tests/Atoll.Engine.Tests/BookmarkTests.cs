namespace Atoll.Engine.Tests;

public sealed class BookmarkTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(2L)]
    [InlineData(0x1_0000_0002L)]
    public void TryParse_reads_back_what_ToString_writes(long sequence)
    {
        var text = new Bookmark(sequence).ToString();
        Assert.Equal(59, text.Length); // D1's shape: 8-8-8-32 hex digits
        Assert.True(Bookmark.TryParse(text, out var parsed));
        Assert.Equal(sequence, parsed.Sequence);
    }

    [Fact]
    public void ToString_writes_D1s_shape_with_the_sequence_in_the_first_two_fields()
        => Assert.Equal("0000000a-fffffffe-00000000-00000000000000000000000000000000", new Bookmark(0xA_FFFF_FFFEL).ToString());

    [Theory]
    [InlineData("yesterday")]
    [InlineData("00000000-0000000G-00000000-00000000000000000000000000000000")]
    [InlineData("00000000-00000002-00000000-0000000000000000000000000000000")]
    public void TryParse_rejects_text_that_is_not_a_bookmark(string text) => Assert.False(Bookmark.TryParse(text, out _));
}
