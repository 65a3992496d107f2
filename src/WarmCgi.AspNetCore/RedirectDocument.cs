using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace WarmCgi.AspNetCore;

/// <summary>
/// The page Apache sends with a redirect of its own making: a client redirect whose script gave
/// only a Location (RFC 3875 6.2.3 lets a script send no body), and mod_dir's 301 to a
/// directory's URL with its slash. A link to the new place, for the clients and tools that do
/// not follow redirects; byte for byte Apache's, so a site moved from mod_cgi serves the same
/// response.
/// </summary>
internal static class RedirectDocument
{
    private const string Doctype = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n";
    private const string Tail = "\">here</a>.</p>\n</body></html>\n";

    /// <summary>
    /// Sets the document's type and length on the response (in place of the script's); returns
    /// its bytes. <paramref name="status"/> is the response's: 302 or 301.
    /// </summary>
    public static byte[] For(HttpResponse response, string location, int status = 302)
    {
        string reason = ReasonPhrases.GetReasonPhrase(status);
        string head = $"{Doctype}<html><head>\n<title>{status} {reason}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>The document has moved <a href=\"";
        // Header values hold the script's bytes one char each (Latin-1): the page holds them as sent.
        byte[] document = Encoding.Latin1.GetBytes(head + Escape(location) + Tail);
        response.ContentType = "text/html; charset=iso-8859-1";
        response.ContentLength = document.Length;
        return document;
    }

    /// <summary>ap_escape_html: the four characters that could end the attribute or start markup.</summary>
    internal static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);
}
