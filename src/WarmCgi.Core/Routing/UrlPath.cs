using WarmCgi.Cgi;

namespace WarmCgi.Routing;

/// <summary>
/// A request path decoded from the raw target, byte for byte. Kestrel's decoded path cannot be
/// used when it still holds a '%': Kestrel leaves escapes that do not form UTF-8 (a Latin-1
/// %E9, as old sites link) as they were, and also turns %25 into '%', so "/%E9" and "/%25E9"
/// arrive alike. Apache gives the script the byte 0xE9 for the first and "%E9" for the second.
/// </summary>
public static class UrlPath
{
    /// <summary>
    /// "/a/%E9t%E9/../b" -> "/a/b" with escapes decoded to their bytes (as <see cref="CgiText"/>
    /// strings), then "." and ".." segments removed (RFC 3986 5.2.4), as Kestrel does. An
    /// encoded slash stays encoded (the resolver refuses it, as Apache does by default); a '%'
    /// not followed by two hex digits stays as it is.
    /// </summary>
    public static string Decode(string rawPath) => RemoveDotSegments(Unescape(rawPath, keepSlash: true));

    /// <summary>
    /// Every %XX to its byte (as a <see cref="CgiText"/> string: "%E9" is the byte 0xE9, not
    /// "%E9" left as it was); with <paramref name="keepSlash"/>, %2F stays encoded.
    /// </summary>
    public static string Unescape(string text, bool keepSlash = false)
    {
        if (!text.Contains('%'))
        {
            return text;
        }
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text)];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        int n = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '%' && i + 2 < bytes.Length && Hex(bytes[i + 1]) is >= 0 and var high
                && Hex(bytes[i + 2]) is >= 0 and var low && !(keepSlash && (high << 4 | low) == '/'))
            {
                bytes[n++] = (byte)(high << 4 | low);
                i += 2;
            }
            else
            {
                bytes[n++] = bytes[i];
            }
        }
        return CgiText.FromBytes(bytes.AsSpan(0, n));
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    internal static string RemoveDotSegments(string path)
    {
        if (!path.Contains('.'))
        {
            return path;
        }
        var output = new List<string>();
        string[] segments = path.Split('/');
        for (int i = 1; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool last = i == segments.Length - 1;
            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (segment != ".")
            {
                output.Add(segment);
                continue;
            }
            if (last)
            {
                output.Add("");   // "/a/.." is "/", "/a/." is "/a/": the trailing slash stays
            }
        }
        return "/" + string.Join('/', output);
    }
}
