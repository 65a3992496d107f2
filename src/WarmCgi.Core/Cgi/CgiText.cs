using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace WarmCgi.Cgi;

/// <summary>
/// The CGI environment's strings and the bytes a script gets. A meta-variable is bytes:
/// Apache hands a script the bytes of a Latin-1 URL (%E9) or header as they came, and the
/// script decodes them as it likes. Inside the server they are strings, so a byte that is not
/// part of valid UTF-8 travels as a lone surrogate U+DC80-U+DCFF -- Python's surrogateescape
/// (PEP 383), which is also how a Python 3 script sees it in os.environ -- and leaves as that
/// byte again. Everything else is plain UTF-8.
/// </summary>
public static class CgiText
{
    private const char EscapeBase = '\uDC00';

    /// <summary>Bytes -> string: UTF-8, each byte of an invalid sequence as its escape.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];   // UTF-8 never takes fewer bytes than UTF-16 chars
        int total = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes, chars.AsSpan(total), out int read, out int written, replaceInvalidSequences: false);
            total += written;
            if (status == OperationStatus.Done)
            {
                return new string(chars, 0, total);
            }
            // InvalidData, or NeedMoreData for a sequence cut short at the end: escape one byte.
            chars[total++] = (char)(EscapeBase + bytes[read]);
            bytes = bytes[(read + 1)..];
        }
    }

    public static int GetByteCount(string text) =>
        HasEscapes(text) ? Encode(text, Span<byte>.Empty, countOnly: true) : Encoding.UTF8.GetByteCount(text);

    /// <summary>String -> bytes into <paramref name="destination"/>, sized by <see cref="GetByteCount"/>.</summary>
    public static int GetBytes(string text, Span<byte> destination) =>
        HasEscapes(text) ? Encode(text, destination, countOnly: false) : Encoding.UTF8.GetBytes(text, destination);

    // Any low surrogate: whether it is an escape or half of a real pair, Encode tells.
    private static bool HasEscapes(string text) => text.AsSpan().IndexOfAnyInRange('\uDC80', '\uDCFF') >= 0;

    private static int Encode(ReadOnlySpan<char> text, Span<byte> destination, bool countOnly)
    {
        int n = 0;
        Span<byte> scratch = stackalloc byte[4];
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out int used) == OperationStatus.Done)
            {
                int length = rune.EncodeToUtf8(scratch);
                if (!countOnly)
                {
                    scratch[..length].CopyTo(destination[n..]);
                }
                n += length;
            }
            else
            {
                char c = text[0];   // a lone surrogate: an escaped byte, or U+FFFD as UTF-8 writes it
                if (c is >= '\uDC80' and <= '\uDCFF')
                {
                    if (!countOnly)
                    {
                        destination[n] = (byte)(c - EscapeBase);
                    }
                    n++;
                }
                else
                {
                    if (!countOnly)
                    {
                        "\uFFFD"u8.CopyTo(destination[n..]);
                    }
                    n += 3;
                }
                used = 1;
            }
            text = text[used..];
        }
        return n;
    }
}
