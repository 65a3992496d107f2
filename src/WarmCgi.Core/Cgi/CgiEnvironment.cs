using System.Net;
using System.Text;
using WarmCgi.Routing;

namespace WarmCgi.Cgi;

/// <summary>Server-wide inputs to the meta-variables, fixed at start-up.</summary>
public sealed record CgiEnvironmentSettings
{
    public string ServerSoftware { get; init; } = "WarmCgi";

    /// <summary>DOCUMENT_ROOT, and the base of PATH_TRANSLATED. Null when no --docroot.</summary>
    public string? DocumentRoot { get; init; }

    /// <summary>PATH for scripts: the server's own, like Apache passes its PATH.</summary>
    public string Path { get; init; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>--set-env values and --pass-env values captured from the server's environment.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Builds a script's environment: the meta-variables of RFC 3875 section 4.1, the ones real
/// applications read (Apache's names), HTTP_* for headers, PATH and what the operator named.
/// Nothing else of the server's environment reaches a script: secrets live there.
/// </summary>
public static class CgiEnvironment
{
    // Headers that become meta-variables of their own, or never reach a script.
    private static bool IsSkipped(string name, ScriptMapping mapping) =>
        name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        // httpoxy: a Proxy header must never become HTTP_PROXY, which HTTP clients obey.
        || name.Equals("Proxy", StringComparison.OrdinalIgnoreCase)
        || (!mapping.PassAuthorization && (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                                         || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)));

    public static List<KeyValuePair<string, string>> Build(
        CgiRequest request, ScriptTarget target, CgiEnvironmentSettings settings, long? contentLength)
    {
        var env = new List<KeyValuePair<string, string>>(40);
        void Add(string name, string value) => env.Add(new(name, value));

        Add("PATH", settings.Path);
        Add("GATEWAY_INTERFACE", "CGI/1.1");
        Add("SERVER_SOFTWARE", settings.ServerSoftware);
        Add("SERVER_PROTOCOL", request.Protocol);
        Add("SERVER_NAME", ServerName(request));
        Add("SERVER_PORT", ServerPort(request));
        Add("SERVER_ADDR", PlainAddress(request.LocalAddress));
        // Apache sets both for every script; these are its defaults without ServerAdmin and
        // with ServerSignature Off (no version disclosed). --set-env replaces them.
        Add("SERVER_ADMIN", "[no address given]");
        Add("SERVER_SIGNATURE", "");
        Add("REMOTE_ADDR", PlainAddress(request.RemoteAddress));
        // RFC 3875 4.1.9: SHOULD be set; without a name lookup the server MAY substitute REMOTE_ADDR.
        Add("REMOTE_HOST", PlainAddress(request.RemoteAddress));
        Add("REMOTE_PORT", request.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("REQUEST_METHOD", request.Method);
        Add("REQUEST_SCHEME", request.Scheme);
        if (request.Scheme == "https")
        {
            Add("HTTPS", "on");
        }
        Add("REQUEST_URI", request.RawTarget);
        Add("QUERY_STRING", request.QueryString);
        Add("SCRIPT_NAME", target.ScriptName);
        Add("SCRIPT_FILENAME", target.ScriptFilename);
        if (target.PathInfo.Length > 0)
        {
            Add("PATH_INFO", target.PathInfo);
            if (settings.DocumentRoot is not null)
            {
                Add("PATH_TRANSLATED", settings.DocumentRoot.TrimEnd('/') + target.PathInfo);
            }
        }
        string docRoot = settings.DocumentRoot ?? "";
        Add("DOCUMENT_ROOT", docRoot);
        Add("CONTEXT_PREFIX", target.Mapping.Prefix + "/");
        Add("CONTEXT_DOCUMENT_ROOT", target.Mapping.IsDirectory ? target.Mapping.Path.TrimEnd('/') + "/" : target.Mapping.Path);
        if (request.RemoteUser is not null)
        {
            Add("REMOTE_USER", request.RemoteUser);
            Add("AUTH_TYPE", request.AuthType ?? "Basic");
        }
        if (contentLength is not null)
        {
            Add("CONTENT_LENGTH", contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        string? contentType = request.GetHeader("Content-Type");
        if (contentType is not null)
        {
            Add("CONTENT_TYPE", contentType);
        }
        AddHeaders(env, request.Headers, target.Mapping);
        // The operator's variables last, so that they win (a mapping's over the server's).
        Override(env, settings.Extra);
        Override(env, target.Mapping.Environment);
        return env;
    }

    private static void Override(List<KeyValuePair<string, string>> env, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values)
        {
            int i = env.FindIndex(kv => kv.Key == name);
            if (i >= 0)
            {
                env[i] = new(name, value);
            }
            else
            {
                env.Add(new(name, value));
            }
        }
    }

    private static void AddHeaders(List<KeyValuePair<string, string>> env, IReadOnlyList<KeyValuePair<string, string>> headers, ScriptMapping mapping)
    {
        int firstHeader = env.Count;
        foreach (var (name, value) in headers)
        {
            if (!IsValidHeaderName(name) || IsSkipped(name, mapping))
            {
                continue;
            }
            string variable = MetaVariableName(name);
            string text = HeaderText(value);
            int existing = env.FindIndex(firstHeader, kv => kv.Key == variable);
            if (existing < 0)
            {
                env.Add(new(variable, text));
            }
            else
            {
                // RFC 9110 5.3: repeated fields join with ", "; Cookie with "; " (RFC 6265 5.4).
                string separator = variable == "HTTP_COOKIE" ? "; " : ", ";
                env[existing] = new(variable, env[existing].Value + separator + text);
            }
        }
    }

    /// <summary>
    /// A header value as the script must get its bytes. Headers arrive as Latin-1 (one char a
    /// byte): a UTF-8 value (a cookie, a Referer with raw non-ASCII) or any other bytes become
    /// the string that <see cref="CgiText"/> turns back into those same bytes.
    /// </summary>
    internal static string HeaderText(string latin1) =>
        Ascii.IsValid(latin1) ? latin1 : CgiText.FromBytes(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Apache and nginx drop headers whose names have anything but letters, digits and '-' (an underscore would alias a dash).</summary>
    internal static bool IsValidHeaderName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }
        return true;
    }

    internal static string MetaVariableName(string header)
    {
        return string.Create(header.Length + 5, header, static (span, h) =>
        {
            "HTTP_".AsSpan().CopyTo(span);
            for (int i = 0; i < h.Length; i++)
            {
                char c = h[i];
                span[i + 5] = c == '-' ? '_' : char.ToUpperInvariant(c);
            }
        });
    }

    /// <summary>
    /// SERVER_NAME from the Host header (Apache's UseCanonicalName Off), as Apache normalises
    /// it: lower case, without a trailing dot; else the local address.
    /// </summary>
    internal static string ServerName(CgiRequest request)
    {
        string? host = request.GetHeader("Host");
        if (string.IsNullOrEmpty(host))
        {
            return PlainAddress(request.LocalAddress);
        }
        int colon = PortColon(host);
        return (colon >= 0 ? host[..colon] : host).TrimEnd('.').ToLowerInvariant();
    }

    /// <summary>
    /// SERVER_PORT as Apache gives it (UseCanonicalName Off): the port the client named in
    /// Host, else the scheme's default -- behind a proxy or a port mapping that is the port a
    /// script must build its own URLs with. The socket's port only when there is no Host.
    /// </summary>
    internal static string ServerPort(CgiRequest request)
    {
        string? host = request.GetHeader("Host");
        if (string.IsNullOrEmpty(host))
        {
            return request.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        int colon = PortColon(host);
        if (colon >= 0 && colon + 1 < host.Length)
        {
            return host[(colon + 1)..];
        }
        return request.Scheme == "https" ? "443" : "80";
    }

    /// <summary>Where "host:port" has its colon ("[::1]:8080" too), or -1.</summary>
    private static int PortColon(string host)
    {
        int colon = host.LastIndexOf(':');
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && colon > close ? colon : -1;
        }
        return colon;
    }

    /// <summary>127.0.0.1, never ::ffff:127.0.0.1.</summary>
    public static string PlainAddress(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();

    /// <summary>What Apache's ap_escape_shell_cmd puts a backslash before, on Unix.</summary>
    private static readonly System.Buffers.SearchValues<char> ShellSpecial = System.Buffers.SearchValues.Create("&;`'\"|*?~<>^()[]{}$\\\n");

    /// <summary>
    /// RFC 3875 4.4: a query with no unencoded '=' is an ISINDEX query; its '+'-separated
    /// words become argv -- each with a backslash before every shell metacharacter, as
    /// Apache's ap_escape_shell_cmd gives them (old shell scripts rely on it).
    /// </summary>
    public static IReadOnlyList<string> IsIndexWords(string query)
    {
        if (query.Length == 0 || query.Contains('='))
        {
            return [];
        }
        var words = new List<string>();
        foreach (var word in query.Split('+'))
        {
            // Bytes, as Apache unescapes them (%E9 is 0xE9); a C string ends at its NUL.
            string text = Routing.UrlPath.Unescape(word);
            int nul = text.IndexOf('\0', StringComparison.Ordinal);
            words.Add(EscapeShell(nul < 0 ? text : text[..nul]));
        }
        return words;
    }

    private static string EscapeShell(string word)
    {
        if (word.AsSpan().IndexOfAny(ShellSpecial) < 0)
        {
            return word;
        }
        var escaped = new System.Text.StringBuilder(word.Length + 8);
        foreach (char c in word)
        {
            if (ShellSpecial.Contains(c))
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    internal static string[] ToEnvp(List<KeyValuePair<string, string>> env)
    {
        var envp = new string[env.Count];
        for (int i = 0; i < env.Count; i++)
        {
            envp[i] = env[i].Key + "=" + env[i].Value;
        }
        return envp;
    }
}
