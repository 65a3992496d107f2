using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WarmCgi.Cgi;

namespace WarmCgi.AspNetCore;

/// <summary>
/// Conditional GETs against a script's own validators, as Apache's ap_meets_conditions does
/// for a CGI answer: a script that sends ETag or Last-Modified (cgit, gitweb, hgweb) gets 304
/// for a client that already has that version, and 412 for an If-Match it fails. As in
/// Apache, only an answer without a Status header is looked at: a script that always sends
/// "Status: 200 OK" (wsgiref's CGIHandler) has decided its status itself.
/// </summary>
internal static class ScriptConditions
{
    /// <summary>304, 412, or 0 when the script's own answer stands.</summary>
    public static int Evaluate(HttpRequest request, CgiResponseHead head, DateTimeOffset now)
    {
        var headers = request.Headers;
        if (headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0 && headers.IfModifiedSince.Count == 0
            && headers.IfUnmodifiedSince.Count == 0)
        {
            return 0; // the usual request: nothing to look at
        }
        if (head.StatusFromScript || head.Kind is not (CgiResponseKind.Document or CgiResponseKind.ClientRedirect)
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return 0;
        }
        var tag = EntityTagHeaderValue.TryParse(Header(head, HeaderNames.ETag), out var parsed) ? parsed : null;
        DateTimeOffset? modified = HeaderUtilities.TryParseDate(Header(head, HeaderNames.LastModified), out var date) ? date : null;
        var typed = request.GetTypedHeaders();
        if (headers.IfMatch.Count > 0)
        {
            if (!typed.IfMatch.Any(t => t.Tag == "*" || (tag is not null && t.Compare(tag, useStrongComparison: true))))
            {
                return StatusCodes.Status412PreconditionFailed;
            }
        }
        else if (typed.IfUnmodifiedSince is { } unmodifiedSince && modified > unmodifiedSince)
        {
            return StatusCodes.Status412PreconditionFailed;
        }
        if (headers.IfNoneMatch.Count > 0)
        {
            // "*" matches any current representation, a script's answer without an ETag too (RFC 9110 13.1.2, Apache).
            return typed.IfNoneMatch.Any(t => t.Tag == "*" || (tag is not null && t.Compare(tag, useStrongComparison: false)))
                ? StatusCodes.Status304NotModified
                : 0;
        }
        // A date in the future is no date the client can have seen (Apache's ap_condition_if_modified_since).
        return typed.IfModifiedSince is { } modifiedSince && modified <= modifiedSince && modifiedSince <= now
            ? StatusCodes.Status304NotModified : 0;
    }

    /// <summary>
    /// The script's Last-Modified as Apache's ap_scan_script_header_err sends it: parsed (RFC
    /// 1123, RFC 850 or asctime) and written in RFC 1123's form, a date in the future lowered
    /// to now, one that does not parse dropped -- a cache must not get "garbage" or a time
    /// that has not come yet.
    /// </summary>
    public static CgiResponseHead WithRationalLastModified(CgiResponseHead head, DateTimeOffset now)
    {
        int index = head.Kind == CgiResponseKind.NonParsed ? -1 : IndexOf(head.Headers, HeaderNames.LastModified);
        if (index < 0)   // an nph- script's head is its own
        {
            return head;
        }
        var headers = head.Headers.ToList();
        if (HeaderUtilities.TryParseDate(headers[index].Value, out var date))
        {
            var rational = date > now ? now : date;
            headers[index] = new(headers[index].Key, HeaderUtilities.FormatDate(rational));
        }
        else
        {
            headers.RemoveAt(index);
        }
        return head with { Headers = headers };
    }

    private static int IndexOf(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private static string? Header(CgiResponseHead head, string name) =>
        head.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
