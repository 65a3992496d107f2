using System.Collections.Concurrent;

namespace WarmCgi.Processes;

/// <summary>
/// Collects the exit status of children we spawned ourselves. We cannot install a SIGCHLD
/// handler (the .NET runtime owns it) nor wait on pid -1 (that would steal the children of
/// System.Diagnostics.Process), so each pid is polled with WNOHANG: at once (a CGI script has
/// almost always exited when its stdout reaches EOF), then on one shared timer while any is left.
/// </summary>
internal static class ChildReaper
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<ExitStatus>> Pending = new();
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly Timer PollTimer = new(_ => Poll(), null, Timeout.Infinite, Timeout.Infinite);
    private static int _timerRunning;

    public static Task<ExitStatus> WaitForExitAsync(int pid)
    {
        if (TryReap(pid, out ExitStatus status))
        {
            return Task.FromResult(status);
        }
        var tcs = Pending.GetOrAdd(pid, _ => new TaskCompletionSource<ExitStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Interlocked.Exchange(ref _timerRunning, 1) == 0)
        {
            PollTimer.Change(PollInterval, PollInterval);
        }
        return tcs.Task;
    }

    private static bool TryReap(int pid, out ExitStatus status)
    {
        int rc = LibC.waitpid(pid, out int raw, LibC.WNOHANG);
        if (rc == pid)
        {
            status = ExitStatus.FromWaitStatus(raw);
            return true;
        }
        if (rc < 0)
        {
            // ECHILD: already reaped elsewhere; nothing more will come.
            status = new ExitStatus(-1, 0);
            return true;
        }
        status = default;
        return false;
    }

    private static void Poll()
    {
        foreach (var (pid, tcs) in Pending)
        {
            if (TryReap(pid, out ExitStatus status) && Pending.TryRemove(pid, out _))
            {
                tcs.TrySetResult(status);
            }
        }
        if (Pending.IsEmpty)
        {
            Interlocked.Exchange(ref _timerRunning, 0);
            PollTimer.Change(Timeout.Infinite, Timeout.Infinite);
            // A pid added between the emptiness check and the stop restarts the timer itself.
            if (!Pending.IsEmpty && Interlocked.Exchange(ref _timerRunning, 1) == 0)
            {
                PollTimer.Change(PollInterval, PollInterval);
            }
        }
    }
}
