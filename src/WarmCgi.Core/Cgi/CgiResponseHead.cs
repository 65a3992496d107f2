namespace WarmCgi.Cgi;

/// <summary>The four response types of RFC 3875 section 6.2, plus nph- pass-through.</summary>
public enum CgiResponseKind
{
    Document,
    /// <summary>Location: /path with no Status: the server re-dispatches internally.</summary>
    LocalRedirect,
    /// <summary>Location: an absolute URI with no Status: a 302 and no script body.</summary>
    ClientRedirect,
    /// <summary>Location with a Status: the script's status, headers and body.</summary>
    ClientRedirectWithDocument,
    /// <summary>An nph- script's own status line and headers.</summary>
    NonParsed,
}

/// <summary>The parsed header section of a script's output.</summary>
/// <param name="StatusFromScript">The script sent a Status header: its status stands, and no conditional request overrides it (Apache's rule).</param>
public sealed record CgiResponseHead(
    CgiResponseKind Kind,
    int StatusCode,
    string? ReasonPhrase,
    string? Location,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool StatusFromScript = false)
{
    /// <summary>An nph- script's head as it wrote it, byte for byte, for a front door that can send it so.</summary>
    public byte[]? RawHead { get; init; }
}
