using System.Text;
using WarmCgi.Cgi;

namespace WarmCgi.Tests.Cgi;

public sealed class CgiTextTests
{
    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "caf{E9}")]                 // Latin-1 "café"
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "caf\u00E9")]         // UTF-8 "café"
    [InlineData(new byte[] { 0xC3 }, "{C3}")]                                      // a sequence cut short
    [InlineData(new byte[] { 0xC3, 0x28, 0xFF }, "{C3}({FF}")]
    [InlineData(new byte[] { 0xF0, 0x90, 0x82, 0x80 }, "\U00010080")]              // its low half is U+DC80
    [InlineData(new byte[] { 0xED, 0xB2, 0x80 }, "{ED}{B2}{80}")]                  // an encoded surrogate is no UTF-8
    public void Bytes_become_a_string_that_gives_the_same_bytes_back(byte[] bytes, string written)
    {
        string text = WithEscapes(written);
        Assert.Equal(text, CgiText.FromBytes(bytes));

        var back = new byte[CgiText.GetByteCount(text)];
        Assert.Equal(bytes.Length, CgiText.GetBytes(text, back));
        Assert.Equal(bytes, back);
    }

    /// <summary>"caf{E9}" is "caf" and U+DCE9, the escape of the byte 0xE9: attribute arguments cannot hold a lone surrogate (they are stored as UTF-8).</summary>
    internal static string WithEscapes(string written) =>
        System.Text.RegularExpressions.Regex.Replace(written, @"\{([0-9A-F]{2})\}", m => ((char)(0xDC00 + Convert.ToInt32(m.Groups[1].Value, 16))).ToString());

    [Fact]
    public void A_lone_surrogate_that_is_no_escape_is_written_as_UTF_8_writes_it()
    {
        const string text = "a\uD800b";
        var bytes = new byte[CgiText.GetByteCount(text)];
        CgiText.GetBytes(text, bytes);

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
    }
}
