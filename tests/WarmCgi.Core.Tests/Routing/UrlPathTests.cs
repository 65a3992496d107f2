using WarmCgi.Routing;

namespace WarmCgi.Tests.Routing;

public sealed class UrlPathTests
{
    [Theory]
    [InlineData("/cgi-bin/app.py/caf%E9", "/cgi-bin/app.py/caf{E9}")]      // the byte, as Apache gives it
    [InlineData("/cgi-bin/app.py/%25E9", "/cgi-bin/app.py/%E9")]             // an escaped '%' is a '%'
    [InlineData("/cgi-bin/app.py/%C3%A9%20x", "/cgi-bin/app.py/\u00E9 x")]
    [InlineData("/cgi-bin/a%2Fb", "/cgi-bin/a%2Fb")]                         // an encoded slash stays encoded
    [InlineData("/cgi-bin/a%2fb%E9", "/cgi-bin/a%2fb{E9}")]
    [InlineData("/x/%zz%4", "/x/%zz%4")]                                     // no escape: as it came
    [InlineData("/a/./b/../c%E9", "/a/c{E9}")]
    [InlineData("/a/%2E%2E/b", "/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/a/.", "/a/")]
    [InlineData("/../%E9", "/{E9}")]
    [InlineData("/a/b/", "/a/b/")]
    public void An_escaped_path_decodes_to_its_bytes_without_dot_segments(string raw, string expected)
    {
        Assert.Equal(WarmCgi.Tests.Cgi.CgiTextTests.WithEscapes(expected), UrlPath.Decode(raw));
    }
}
