namespace WarmCgi.Processes;

/// <summary>
/// A spawned child is the leader of its own session, so its pid is also its process-group id:
/// signalling -pid reaches the script and every descendant that did not start a session of its own.
/// </summary>
internal static class ProcessGroup
{
    /// <summary>SIGTERM to the group, then SIGKILL after <paramref name="grace"/> (Apache waits 3 s).</summary>
    public static async Task TerminateAsync(int pid, TimeSpan grace, TimeProvider time)
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
