using System.Globalization;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>Whether a pid still runs, read from /proc. A zombie counts as gone: it runs no code,
/// and in a container whose init does not reap, an orphan's zombie may linger.</summary>
public static class ProcessState
{
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        // "pid (comm) S ...": comm may hold spaces and parentheses, so look after the last ')'.
        int close = stat.LastIndexOf(')');
        char state = close >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
        return state is not ('Z' or 'X');
    }

    public static int ReadPid(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Waits until every pid is gone, failing with the ones left.</summary>
    public static Task AllGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var list = pids.ToList();
        return Eventually.TrueAsync(() => !list.Any(IsRunning),
            "processes " + string.Join(", ", list) + " to be gone", timeout);
    }
}
