using System.Text;
using WarmCgi.Cgi;

namespace WarmCgi.Tests.Cgi;

/// <summary>A valid raw CGI output and the response it must parse to.</summary>
public sealed record ValidOutput(
    string Raw,
    CgiResponseKind Kind,
    int Status,
    string? Reason,
    string? Location,
    (string Name, string Value)[] Headers,
    string Body,
    bool NonParsed = false)
{
    public byte[] Bytes => Encoding.Latin1.GetBytes(Raw);

    /// <summary>Where the body starts: every shorter prefix is an incomplete header section.</summary>
    public int HeaderLength => Bytes.Length - Encoding.Latin1.GetByteCount(Body);
}

/// <summary>A raw CGI output the parser must refuse, and a word its reason must contain.</summary>
public sealed record InvalidOutput(string Raw, string ReasonContains, bool IsFinal = true, bool NonParsed = false)
{
    public byte[] Bytes => Encoding.Latin1.GetBytes(Raw);
}

/// <summary>The corpus of raw script outputs (RFC 3875 section 6), by name so test names stay readable.</summary>
public static class CgiOutputCorpus
{
    public static readonly IReadOnlyDictionary<string, ValidOutput> Valid = new Dictionary<string, ValidOutput>
    {
        ["document"] = new("Content-Type: text/html\n\n<p>hi</p>\n",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/html")], "<p>hi</p>\n"),
        ["document with CRLF"] = new("Content-Type: text/plain\r\nX-App: 1\r\n\r\nbody",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("X-App", "1")], "body"),
        ["document mixing LF and CRLF"] = new("Content-Type: text/plain\r\nX-App: 1\n\r\nbody",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("X-App", "1")], "body"),
        ["document with no body"] = new("Content-Type: text/plain\n\n",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain")], ""),
        ["document whose body holds a blank line"] = new("Content-Type: text/plain\n\nline 1\n\nX-Not-A-Header: 1\n",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain")], "line 1\n\nX-Not-A-Header: 1\n"),
        ["a blank first line: no header at all, the rest is the body (Apache's 200)"] = new("\nContent-Type: text/plain\n\nbody",
            CgiResponseKind.Document, 200, null, null, [], "Content-Type: text/plain\n\nbody"),
        ["a blank first CRLF line"] = new("\r\n\r\nbody",
            CgiResponseKind.Document, 200, null, null, [], "\r\nbody"),
        ["document with no Content-Type"] = new("X-Only: yes\n\nraw",
            CgiResponseKind.Document, 200, null, null, [("X-Only", "yes")], "raw"),
        ["header value with spaces, tabs and Latin-1"] = new("Content-Type:\t text/plain \nX-Name: caf\u00e9 au lait\n\nx",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("X-Name", "caf\u00e9 au lait")], "x"),
        ["header with an empty value"] = new("Content-Type: text/plain\nX-Empty:\n\n",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("X-Empty", "")], ""),
        ["Status with a reason"] = new("Status: 404 Not Found\nContent-Type: text/plain\n\nnope",
            CgiResponseKind.Document, 404, "Not Found", null, [("Content-Type", "text/plain")], "nope"),
        ["Status without a reason"] = new("Status: 201\nContent-Type: text/plain\n\n",
            CgiResponseKind.Document, 201, null, null, [("Content-Type", "text/plain")], ""),
        ["Status in lower case after the other headers"] = new("Content-Type: text/plain\nstatus: 418 I'm a teapot\n\n",
            CgiResponseKind.Document, 418, "I'm a teapot", null, [("Content-Type", "text/plain")], ""),
        ["local redirect"] = new("Location: /cgi-bin/other.py?x=1\n\n",
            CgiResponseKind.LocalRedirect, 200, null, "/cgi-bin/other.py?x=1", [("Location", "/cgi-bin/other.py?x=1")], ""),
        ["client redirect"] = new("Location: http://example.com/next\r\n\r\n",
            CgiResponseKind.ClientRedirect, 302, null, "http://example.com/next", [("Location", "http://example.com/next")], ""),
        ["protocol-relative Location is a client redirect"] = new("Location: //example.com/next\n\n",
            CgiResponseKind.ClientRedirect, 302, null, "//example.com/next", [("Location", "//example.com/next")], ""),
        ["client redirect with document"] = new("Status: 301 Moved Permanently\nLocation: http://example.com/\nContent-Type: text/html\n\n<a href=\"http://example.com/\">moved</a>",
            CgiResponseKind.ClientRedirectWithDocument, 301, "Moved Permanently", "http://example.com/",
            [("Location", "http://example.com/"), ("Content-Type", "text/html")], "<a href=\"http://example.com/\">moved</a>"),
        ["local path with a redirect Status is a client redirect with document"] = new("Status: 303 See Other\nLocation: /done\n\n",
            CgiResponseKind.ClientRedirectWithDocument, 303, "See Other", "/done", [("Location", "/done")], ""),
        ["framing and hop-by-hop headers are dropped"] = new(
            "Content-Type: text/plain\nContent-Length: 3\nTransfer-Encoding: chunked\nConnection: close\nKeep-Alive: timeout=5\nProxy-Connection: close\nTE: trailers\nTrailer: X\nUpgrade: h2c\nX-Kept: yes\n\nhello world",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("X-Kept", "yes")], "hello world"),
        ["repeated Set-Cookie headers are all kept, in order"] = new("Content-Type: text/plain\nSet-Cookie: a=1; Path=/\nSet-Cookie: b=2\n\n",
            CgiResponseKind.Document, 200, null, null, [("Content-Type", "text/plain"), ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2")], ""),
        ["a repeated header becomes one, its values joined with commas where the first stood (Apache)"] = new(
            "Content-Type: text/plain\nX-Foo: a\nCache-Control: no-cache\nx-foo: b\nCache-Control: private\nX-Empty:\nX-Empty: v\n\n",
            CgiResponseKind.Document, 200, null, null,
            [("Content-Type", "text/plain"), ("X-Foo", "a, b"), ("Cache-Control", "no-cache, private"), ("X-Empty", ", v")], ""),
        ["a second Content-Type, Location or Last-Modified replaces the first"] = new(
            "Status: 301 Moved\nContent-Type: text/plain\nLocation: http://a/\nLast-Modified: Mon, 01 Jan 2001 00:00:00 GMT\ncontent-type: text/html\nLocation: http://b/\nLast-Modified: Tue, 02 Jan 2001 00:00:00 GMT\n\n",
            CgiResponseKind.ClientRedirectWithDocument, 301, "Moved", "http://b/",
            [("Content-Type", "text/html"), ("Location", "http://b/"), ("Last-Modified", "Tue, 02 Jan 2001 00:00:00 GMT")], ""),
        ["nph status line and headers"] = new("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Nph: yes\r\n\r\nraw body",
            CgiResponseKind.NonParsed, 200, "OK", null, [("Content-Type", "text/plain"), ("X-Nph", "yes")], "raw body", NonParsed: true),
        ["nph with a custom status"] = new("HTTP/1.0 299 Custom Thing\nContent-Type: text/plain\n\n",
            CgiResponseKind.NonParsed, 299, "Custom Thing", null, [("Content-Type", "text/plain")], "", NonParsed: true),
        ["nph status line with no other header"] = new("HTTP/1.1 204 No Content\r\n\r\n",
            CgiResponseKind.NonParsed, 204, "No Content", null, [], "", NonParsed: true),
    };

    public static readonly IReadOnlyDictionary<string, InvalidOutput> Invalid = new Dictionary<string, InvalidOutput>
    {
        ["no output at all"] = new("", "no output"),
        ["a body with no header"] = new("<html>hello</html>\n", "malformed"),
        ["a body with no header, not yet ended"] = new("<html>hello</html>\n<body>", "malformed", IsFinal: false),
        ["an nph output with a blank first line"] = new("\r\nContent-Type: text/plain\r\n\r\nbody", "blank line", NonParsed: true),
        ["a line with no colon"] = new("Content-Type text/html\n\n", "malformed"),
        ["a line starting with a colon"] = new(": value\n\n", "malformed"),
        ["a header name with a space"] = new("Content Type: text/html\n\n", "malformed"),
        ["a folded header line (space)"] = new("Content-Type: text/plain\nX-Long: a\n continued\n\n", "folded"),
        ["a folded header line (tab)"] = new("Content-Type: text/plain\nX-Long: a\n\tcontinued\n\n", "folded"),
        ["a Status that is not a number"] = new("Status: OK\nContent-Type: text/plain\n\n", "Status"),
        ["a Status of two digits"] = new("Status: 20\n\n", "Status"),
        ["a Status of four digits"] = new("Status: 2000\n\n", "Status"),
        ["a Status below 100"] = new("Status: 099 Low\n\n", "Status"),
        ["a Status above 599"] = new("Status: 600 High\n\n", "Status"),
        ["an interim Status (the client would wait on for a final one)"] = new("Status: 100 Continue\nContent-Type: text/plain\n\nbody", "1xx"),
        ["a 102 Processing Status"] = new("Status: 102\n\n", "1xx"),
        ["an empty Status"] = new("Status:\n\n", "Status"),
        ["an nph status line that is not HTTP"] = new("200 OK\nContent-Type: text/plain\n\n", "nph", NonParsed: true),
        ["an nph status line without a code"] = new("HTTP/1.1 OK\n\n", "nph", NonParsed: true),
        ["output ending before the blank line"] = new("Content-Type: text/plain\n", "end of script output"),
        ["output ending in the middle of a header"] = new("Content-Type: text/pl", "end of script output"),
        ["oversized header section, lines complete"] = new("X-Big: " + new string('a', CgiOutputParser.MaxHeaderBytes) + "\n\n", "exceed", IsFinal: false),
        ["oversized header section, line still open"] = new("X-Big: " + new string('a', CgiOutputParser.MaxHeaderBytes + 10), "exceed", IsFinal: false),
        ["many small headers past the limit"] = new(string.Concat(Enumerable.Repeat("X-Many: 0123456789\n", 4000)), "exceed", IsFinal: false),
    };

    public static TheoryData<string> ValidNames() => new(Valid.Keys);

    public static TheoryData<string> InvalidNames() => new(Invalid.Keys);
}
