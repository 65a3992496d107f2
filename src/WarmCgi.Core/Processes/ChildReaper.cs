using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace WarmCgi.Processes;

/// <summary>
/// Collects the exit status of children we spawned ourselves. We cannot install a SIGCHLD
/// handler (the .NET runtime owns it) nor wait on pid -1 (that would steal the children of
/// System.Diagnostics.Process). So each pid gets a pidfd, which turns readable the moment the
/// process exits, and one thread waits on all of them with epoll: no polling delay between a
/// script's exit and its --max-processes slot coming free. Kernels without pidfd_open fall
/// back to polling the pids on a timer. The scripts' stderr pipes share the thread: a pipe's
/// end and its script's exit then come in one wake-up.
/// </summary>
internal static unsafe class ChildReaper
{
    private static readonly ConcurrentDictionary<int, Waiter> ByPidFd = new();
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<ExitStatus>> Polled = new();
    /// <summary>The epoll set its thread waits on; <see cref="PipePoller"/> adds the script pipes' fds to it (-1: none).</summary>
    internal static readonly int Epoll = StartEpollThread();
    private static readonly Timer PollTimer = new(_ => Poll(), null, Timeout.Infinite, Timeout.Infinite);
    private static int _timerRunning;

    private sealed record Waiter(int Pid, TaskCompletionSource<ExitStatus> Exit);

    // epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16) elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    internal static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static Task<ExitStatus> WaitForExitAsync(int pid)
    {
        if (TryReap(pid, out ExitStatus status))
        {
            return Task.FromResult(status);
        }
        var exit = new TaskCompletionSource<ExitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        int pidfd = Epoll >= 0 ? LibC.pidfd_open(pid) : -1;
        if (pidfd >= 0)
        {
            ByPidFd[pidfd] = new Waiter(pid, exit);
            byte* ev = stackalloc byte[16];
            *(uint*)ev = LibC.EPOLLIN;
            *(long*)(ev + DataOffset) = pidfd;
            if (LibC.epoll_ctl(Epoll, LibC.EPOLL_CTL_ADD, pidfd, ev) == 0)
            {
                return exit.Task;
            }
            ByPidFd.TryRemove(pidfd, out _);
            LibC.close(pidfd);
        }
        return PollLater(pid, exit);
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

    private static int StartEpollThread()
    {
        int epoll = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (epoll < 0)
        {
            return -1;
        }
        var thread = new Thread(() => WaitLoop(epoll)) { IsBackground = true, Name = "WarmCgi reaper" };
        thread.Start();
        return epoll;
    }

    private static void WaitLoop(int epoll)
    {
        const int MaxEvents = 64;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * 16));
        while (true)
        {
            int n = LibC.epoll_wait(epoll, events, MaxEvents, -1);
            for (int i = 0; i < n; i++)
            {
                int pidfd = (int)*(long*)(events + (i * EventSize) + DataOffset);
                if (PipePoller.Ready(pidfd))
                {
                    continue;   // a script's pipe, not a pidfd (fd numbers are unique in the process)
                }
                if (ByPidFd.TryRemove(pidfd, out var waiter))
                {
                    // Closing the pidfd also removes it from the epoll set.
                    LibC.close(pidfd);
                    if (!TryReap(waiter.Pid, out var status))
                    {
                        // Readable means exited; a zombie is reapable at once. Should it not be, poll.
                        PollLater(waiter.Pid, waiter.Exit);
                        continue;
                    }
                    waiter.Exit.TrySetResult(status);
                }
            }
        }
    }

    private static Task<ExitStatus> PollLater(int pid, TaskCompletionSource<ExitStatus> exit)
    {
        Polled[pid] = exit;
        if (Interlocked.Exchange(ref _timerRunning, 1) == 0)
        {
            PollTimer.Change(10, 10);
        }
        return exit.Task;
    }

    private static void Poll()
    {
        foreach (var (pid, tcs) in Polled)
        {
            if (TryReap(pid, out ExitStatus status) && Polled.TryRemove(pid, out _))
            {
                tcs.TrySetResult(status);
            }
        }
        if (Polled.IsEmpty)
        {
            Interlocked.Exchange(ref _timerRunning, 0);
            PollTimer.Change(Timeout.Infinite, Timeout.Infinite);
            // A pid added between the emptiness check and the stop restarts the timer itself.
            if (!Polled.IsEmpty && Interlocked.Exchange(ref _timerRunning, 1) == 0)
            {
                PollTimer.Change(10, 10);
            }
        }
    }
}
