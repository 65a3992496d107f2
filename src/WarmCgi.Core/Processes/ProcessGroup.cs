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

    /// <summary>SIGTERM to the group, then SIGKILL after <paramref name="grace"/> (Apache waits 3 s).</summary>
    public static Task TerminateAsync(int pid, TimeSpan grace, TimeProvider time)
    {
        var termination = TerminateCoreAsync(pid, grace, time);
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

    private static async Task TerminateCoreAsync(int pid, TimeSpan grace, TimeProvider time)
    {
        if (!Signal(pid, LibC.SIGTERM))
        {
            return;
        }
        await Task.Delay(grace, time).ConfigureAwait(false);
        Signal(pid, LibC.SIGKILL);
    }

    /// <summary>False once nothing of the group is left.</summary>
    private static bool Signal(int pid, int signal) => LibC.kill(-pid, signal) == 0;
}
