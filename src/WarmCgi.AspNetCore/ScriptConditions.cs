using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WarmCgi.Cgi;

namespace WarmCgi.AspNetCore;

/// <summary>
/// Conditional GETs against a script's own validators, as Apache's ap_meets_conditions does
/// for a CGI answer: a script that sends ETag or Last-Modified (cgit, gitweb, hgweb) gets 304
/// for a client that already has that version, and 412 for an If-Match it fails.
/// </summary>
internal static class ScriptConditions
{
    /// <summary>304, 412, or 0 when the script's own answer stands.</summary>
    public static int Evaluate(HttpRequest request, CgiResponseHead head)
    {
        var headers = request.Headers;
        if (headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0 && headers.IfModifiedSince.Count == 0
            && headers.IfUnmodifiedSince.Count == 0)
        {
            return 0; // the usual request: nothing to look at
        }
        if (head.Kind != CgiResponseKind.Document || head.StatusCode != StatusCodes.Status200OK
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
        return typed.IfModifiedSince is { } modifiedSince && modified <= modifiedSince ? StatusCodes.Status304NotModified : 0;
    }

    private static string? Header(CgiResponseHead head, string name) =>
        head.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
