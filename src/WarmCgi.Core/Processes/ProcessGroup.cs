using System.Collections.Concurrent;

namespace WarmCgi.Processes;

/// <summary>
/// A spawned child is the leader of its own session, so its pid is also its process-group id:
/// signalling -pid reaches the script and every descendant that did not start a session of its own.
/// </summary>
internal static class ProcessGroup
{
    // Terminations under way, for the server's exit to wait for their SIGKILL.
    private static readonly ConcurrentDictionary<Task, byte> Pending = new();

    /// <summary>
    /// SIGTERM to the group, then SIGKILL after <paramref name="grace"/> (Apache waits 3 s).
    /// With <paramref name="childGroups"/>, to the groups its children lead as well: fork
    /// mode's children are sessions of their own, as a CGI process is.
    /// </summary>
    public static Task TerminateAsync(int pid, TimeSpan grace, TimeProvider time, bool childGroups = false)
    {
        // Taken now: once the leader is gone, its children are no longer listed as its.
        int[] groups = childGroups ? [pid, .. ChildrenOf(pid)] : [pid];
        var termination = TerminateCoreAsync(groups, grace, time);
        if (!termination.IsCompleted)
        {
            Pending.TryAdd(termination, 0);
            _ = termination.ContinueWith(static done => Pending.TryRemove(done, out _), TaskScheduler.Default);
        }
        return termination;
    }

    /// <summary>
    /// Every termination under way, done: a server that exited before the SIGKILL would leave
    /// a script that ignores SIGTERM (and what it started) running for good.
    /// </summary>
    public static Task WhenAllTerminatedAsync() => Task.WhenAll(Pending.Keys);

    private static async Task TerminateCoreAsync(int[] groups, TimeSpan grace, TimeProvider time)
    {
        if (!Signal(groups, LibC.SIGTERM))
        {
            return;
        }
        await Task.Delay(grace, time).ConfigureAwait(false);
        Signal(groups, LibC.SIGKILL);
    }

    /// <summary>False once nothing of any group is left.</summary>
    private static bool Signal(int[] groups, int signal)
    {
        bool any = false;
        foreach (int group in groups)
        {
            any |= LibC.kill(-group, signal) == 0;
        }
        return any;
    }

    /// <summary>The pids of a process's children, from /proc (each thread lists those it forked).</summary>
    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (string child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    children.Add(int.Parse(child, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        catch (IOException)
        {
            // Gone already (or a thread of it): its group's signal says the rest.
        }
        return children;
    }
}
