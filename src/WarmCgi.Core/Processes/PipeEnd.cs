using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WarmCgi.Processes;

/// <summary>
/// The server's end of a pipe a script writes (its stderr), read without holding a thread:
/// the fd is non-blocking, and a read that would block waits for epoll (<see cref="PipePoller"/>).
/// A pipe, not a socket, because a socket's /dev/stderr does not open (ENXIO) and shell
/// scripts write <c>echo oops &gt; /dev/stderr</c>; .NET itself can wait on a pipe only by
/// blocking a thread.
/// </summary>
internal sealed class PipeEnd : Stream
{
    private readonly SafeFileHandle _handle;   // ref-counted around each read: a close never races one
    private bool _registered;

    private PipeEnd(int fd) => _handle = new SafeFileHandle(fd, ownsHandle: true);

    /// <summary>A pipe whose write end (for the child) blocks, as a script expects, and whose read end (ours) does not.</summary>
    public static unsafe (PipeEnd Ours, int ChildFd) Create()
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SpawnException(errno, $"pipe: {LibC.ErrorText(errno)}");
        }
        int flags = LibC.fcntl(fds[0], LibC.F_GETFL, 0);
        _ = LibC.fcntl(fds[0], LibC.F_SETFL, flags | LibC.O_NONBLOCK);
        return (new PipeEnd(fds[0]), fds[1]);
    }

    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            nint n = TryRead(buffer);
            if (n >= 0)
            {
                return (int)n;
            }
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            var ready = PipePoller.WaitAsync((int)_handle.DangerousGetHandle(), LibC.EPOLLIN, _registered, cancellationToken);
            _registered = true;
            await ready.ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>One read: its count (0 at EOF), or -1 when it would block; errors throw.</summary>
    private unsafe nint TryRead(Memory<byte> buffer)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int fd = (int)_handle.DangerousGetHandle();
            using var pin = buffer.Pin();
            while (true)
            {
                nint n = LibC.read(fd, (byte*)pin.Pointer, buffer.Length);
                if (n >= 0)
                {
                    return n;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EAGAIN)
                {
                    return -1;
                }
                if (errno != LibC.EINTR)
                {
                    throw new IOException($"pipe read: {LibC.ErrorText(errno)}", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_handle.IsClosed)
        {
            if (_registered)
            {
                PipePoller.Forget((int)_handle.DangerousGetHandle());
            }
            _handle.Dispose();
        }
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>
/// Waits for <see cref="PipeEnd"/> fds on the child reaper's epoll set and thread (its exit and
/// the end of its pipe then come in one wake-up, where a thread of their own cost the
/// scripts ~4% of their requests/s): a wait arms its fd once (EPOLLONESHOT) and completes when
/// it is ready, or hung up. The waiting code then runs on that thread, as Kestrel's and the
/// sockets' continuations run inline on theirs.
/// </summary>
internal static unsafe class PipePoller
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource> Waiters = new();

    private static int Epoll(int fd) => ChildReaper.Epoll >= 0
        ? ChildReaper.Epoll
        : throw new IOException("no epoll: script pipes need Linux's epoll");

    public static Task WaitAsync(int fd, uint events, bool registered, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource();
        Waiters[fd] = waiter;
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events | LibC.EPOLLONESHOT;
        *(long*)(ev + ChildReaper.DataOffset) = fd;   // as the reaper reads it
        if (LibC.epoll_ctl(Epoll(fd), registered ? LibC.EPOLL_CTL_MOD : LibC.EPOLL_CTL_ADD, fd, ev) != 0)
        {
            Waiters.TryRemove(new KeyValuePair<int, TaskCompletionSource>(fd, waiter));
            return Task.FromException(new IOException("epoll_ctl: " + LibC.ErrorText(Marshal.GetLastPInvokeError())));
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                if (Waiters.TryRemove(new KeyValuePair<int, TaskCompletionSource>(fd, waiter)))
                {
                    waiter.TrySetCanceled(cancellationToken);
                }
            });
            waiter.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return waiter.Task;
    }

    /// <summary>Before the fd closes: no event for it, and a waiter wakes to find it closed.</summary>
    public static void Forget(int fd)
    {
        _ = LibC.epoll_ctl(Epoll(fd), LibC.EPOLL_CTL_DEL, fd, null);
        if (Waiters.TryRemove(fd, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>From the reaper's thread: whether <paramref name="fd"/> is a waited-on pipe, now woken.</summary>
    internal static bool Ready(int fd)
    {
        if (!Waiters.TryRemove(fd, out var waiter))
        {
            return false;
        }
        waiter.TrySetResult();   // its continuation runs here
        return true;
    }
}
