using System.Buffers;
using System.Text;

namespace WarmCgi.Cgi;

public enum CgiParseStatus
{
    /// <summary>More output is needed; nothing was consumed.</summary>
    Incomplete,
    Complete,
    Invalid,
}

/// <summary>
/// The one parser of CGI output (RFC 3875 section 6), shared by every backend. It reads the
/// header section from a <see cref="ReadOnlySequence{T}"/>, consumes nothing until the blank
/// line has arrived, checks the size limit before buffering more, and accepts LF or CRLF.
/// Anything RFC 3875 does not allow (no header, a line without a colon, a folded line, a bad
/// Status) is Invalid: the server answers 502 and logs the reason.
/// </summary>
public static class CgiOutputParser
{
    /// <summary>Apache allows 8190 bytes a header line; we bound the whole section.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    // Framing and hop-by-hop fields belong to the server's connection, not the script's
    // (CVE-2024-24795: a script's Content-Length or Transfer-Encoding can split responses).
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection",
        "TE", "Trailer", "Upgrade", "Status",
    };

    /// <param name="buffer">On Complete, sliced to what follows the header section (the body).</param>
    /// <param name="isFinal">The script's output has ended: an incomplete header section is Invalid.</param>
    public static CgiParseStatus TryParse(
        ref ReadOnlySequence<byte> buffer, bool nonParsed, bool isFinal, out CgiResponseHead? head, out string? error)
    {
        head = null;
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        var headers = new List<KeyValuePair<string, string>>();
        string? statusLine = null;
        bool first = true;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, (byte)'\n'))
            {
                if (buffer.Length > MaxHeaderBytes)
                {
                    error = $"script headers exceed {MaxHeaderBytes} bytes";
                    return CgiParseStatus.Invalid;
                }
                if (isFinal)
                {
                    error = buffer.Length == 0 ? "end of script output before headers (no output)" : "end of script output before headers";
                    return CgiParseStatus.Invalid;
                }
                return CgiParseStatus.Incomplete;
            }
            if (reader.Consumed > MaxHeaderBytes)
            {
                error = $"script headers exceed {MaxHeaderBytes} bytes";
                return CgiParseStatus.Invalid;
            }
            string line = Encoding.Latin1.GetString(lineBytes);
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }
            if (line.Length == 0)
            {
                if (first && nonParsed)
                {
                    error = "nph script output starts with a blank line: no status line";
                    return CgiParseStatus.Invalid;
                }
                // A blank first line is an empty header section: Apache answers 200 with what
                // follows as the body (RFC 3875 asks for a header, but scripts that forget it
                // work there).
                break;
            }
            if (first && nonParsed)
            {
                statusLine = line;
                first = false;
                continue;
            }
            first = false;
            if (line[0] is ' ' or '\t')
            {
                error = "folded header line from script";
                return CgiParseStatus.Invalid;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                error = $"malformed header from script: '{Truncate(line)}'";
                return CgiParseStatus.Invalid;
            }
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        buffer = buffer.Slice(reader.Position);
        return nonParsed ? ParseNonParsed(statusLine!, headers, out head, out error) : Classify(headers, out head, out error);
    }

    private static CgiParseStatus Classify(List<KeyValuePair<string, string>> headers, out CgiResponseHead? head, out string? error)
    {
        head = null;
        error = null;
        int status = 200;
        string? reason = null;
        string? location = null;
        bool hasStatus = false;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryParseStatus(value, out status, out reason))
                {
                    error = $"invalid Status header from script: '{Truncate(value)}'";
                    return CgiParseStatus.Invalid;
                }
                if (status < 200)
                {
                    // An interim response is no answer: sent as one, the client would wait for the final one forever.
                    error = $"Status {status} from script: a 1xx status cannot be a script's response";
                    return CgiParseStatus.Invalid;
                }
                hasStatus = true;
            }
            else if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
            {
                location = value;
            }
        }
        var kept = MergeRepeated(headers);
        CgiResponseKind kind;
        if (location is null)
        {
            kind = CgiResponseKind.Document;
        }
        else if (location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && status == 200)
        {
            // Apache's rule: a local path and a 200 status re-dispatch inside the server.
            kind = CgiResponseKind.LocalRedirect;
        }
        else if (!hasStatus || status == 200)
        {
            // "Status: 200" beside an absolute Location is still a redirect to Apache (a 302).
            kind = CgiResponseKind.ClientRedirect;
            status = 302;
            reason = null;
        }
        else
        {
            kind = CgiResponseKind.ClientRedirectWithDocument;
        }
        head = new CgiResponseHead(kind, status, reason, location, kept, hasStatus);
        return CgiParseStatus.Complete;
    }

    /// <summary>
    /// A script's repeated header becomes one field, as Apache's ap_scan_script_header_err
    /// makes it: the values joined with ", " where the first stood (RFC 9110 5.3 allows it, and
    /// a client then sees the same field from either server). Set-Cookie stays a line a
    /// cookie, which a join would break; a second Content-Type, Location or Last-Modified
    /// replaces the first, since each holds one value and two make the response invalid (a
    /// browser refuses two Locations).
    /// </summary>
    private static List<KeyValuePair<string, string>> MergeRepeated(List<KeyValuePair<string, string>> headers)
    {
        var kept = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var header in headers)
        {
            var (name, value) = header;
            if (DroppedHeaders.Contains(name))
            {
                continue;
            }
            int seen = name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? -1 : IndexOf(kept, name);
            if (seen < 0)
            {
                kept.Add(header);
            }
            else
            {
                var first = kept[seen];
                kept[seen] = new(first.Key, SingleValued.Contains(name) ? value : first.Value + ", " + value);
            }
        }
        return kept;
    }

    // A script sends a handful of headers: a scan costs less than a dictionary.
    private static int IndexOf(List<KeyValuePair<string, string>> headers, string name)
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

    private static readonly HashSet<string> SingleValued = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Location", "Last-Modified",
    };

    private static CgiParseStatus ParseNonParsed(string statusLine, List<KeyValuePair<string, string>> headers, out CgiResponseHead? head, out string? error)
    {
        head = null;
        error = null;
        // "HTTP/1.1 200 OK"
        int space = statusLine.IndexOf(' ', StringComparison.Ordinal);
        if (!statusLine.StartsWith("HTTP/", StringComparison.Ordinal) || space < 0
            || !TryParseStatus(statusLine[(space + 1)..], out int status, out string? reason))
        {
            error = $"malformed status line from nph script: '{Truncate(statusLine)}'";
            return CgiParseStatus.Invalid;
        }
        string? location = headers.FirstOrDefault(h => h.Key.Equals("Location", StringComparison.OrdinalIgnoreCase)).Value;
        var kept = headers.Where(h => !DroppedHeaders.Contains(h.Key)).ToList();
        head = new CgiResponseHead(CgiResponseKind.NonParsed, status, reason, location, kept);
        return CgiParseStatus.Complete;
    }

    /// <summary>"404 Not Found" or "404": three digits, 100-599, then an optional reason.</summary>
    internal static bool TryParseStatus(string value, out int status, out string? reason)
    {
        status = 0;
        reason = null;
        var v = value.AsSpan().Trim();
        if (v.Length < 3 || !char.IsAsciiDigit(v[0]) || !char.IsAsciiDigit(v[1]) || !char.IsAsciiDigit(v[2])
            || (v.Length > 3 && v[3] is not (' ' or '\t')))
        {
            return false;
        }
        status = ((v[0] - '0') * 100) + ((v[1] - '0') * 10) + (v[2] - '0');
        if (status is < 100 or > 599)
        {
            return false;
        }
        var rest = v[3..].Trim();
        reason = rest.Length > 0 ? rest.ToString() : null;
        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> name)
    {
        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c))
            {
                return false;
            }
        }
        return true;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
