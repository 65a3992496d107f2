namespace WarmCgi.Cgi;

/// <summary>
/// Every way a CGI request can fail, as a value. <see cref="CgiErrors.StatusCode"/> is the one
/// place that turns a failure into an HTTP status.
/// </summary>
public enum CgiError
{
    None = 0,
    NotFound,
    Forbidden,
    /// <summary>A directory named without its trailing slash: a 301 to the URL with it, as Apache's mod_dir answers.</summary>
    DirectoryWithoutSlash,
    BodyTooLarge,
    BadRequest,
    /// <summary>TRACE: Debian's Apache (TraceEnable Off) answers it 405 before any script runs; it would echo the client's cookies to a script that reflects its request.</summary>
    MethodNotAllowed,
    /// <summary>The script printed no header, a malformed one, or ended before the blank line.</summary>
    BadScriptOutput,
    /// <summary>The script (or its worker) could not be started.</summary>
    SpawnFailed,
    /// <summary>The worker died or broke protocol before answering.</summary>
    BackendCrashed,
    Timeout,
    Overloaded,
    TooManyRedirects,
    ClientGone,
}

public static class CgiErrors
{
    public static int StatusCode(CgiError error) => error switch
    {
        CgiError.None => 200,
        CgiError.NotFound => 404,
        CgiError.Forbidden => 403,
        CgiError.DirectoryWithoutSlash => 301,
        CgiError.BodyTooLarge => 413,
        CgiError.BadRequest => 400,
        CgiError.MethodNotAllowed => 405,
        CgiError.BadScriptOutput => 502,
        CgiError.BackendCrashed => 502,
        CgiError.SpawnFailed => 500,
        CgiError.TooManyRedirects => 500,
        CgiError.Timeout => 504,
        CgiError.Overloaded => 503,
        CgiError.ClientGone => 499,
        _ => 500,
    };
}
