namespace WarmCgi.Processes;

/// <summary>Reads a script's "#!" line: whether it has one, and what interpreter it names.</summary>
internal static class Shebang
{
    public static bool HasShebang(string path) => ReadLine(path) is not null;

    /// <summary>The "#!" line without "#!", trimmed; null when the file does not start with one.</summary>
    public static string? ReadLine(string path)
    {
        Span<byte> head = stackalloc byte[256];
        int n;
        try
        {
            using var file = File.OpenHandle(path);
            n = RandomAccess.Read(file, head, 0);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        if (n < 2 || head[0] != '#' || head[1] != '!')
        {
            return null;
        }
        var line = head[2..n];
        int end = line.IndexOfAny((byte)'\n', (byte)'\r');
        if (end >= 0)
        {
            line = line[..end];
        }
        return System.Text.Encoding.UTF8.GetString(line).Trim();
    }
}
