using System.Net.Sockets;
using System.Runtime.InteropServices;
using WarmCgi.Cgi;

namespace WarmCgi.Processes;

/// <summary>
/// Starts a child in a session of its own (so its whole process tree can be signalled as a
/// group) with the given fds as its 0, 1 and 2, every signal at its default disposition and an
/// empty signal mask (.NET ignores SIGPIPE; a shell script must not inherit that).
/// </summary>
internal static unsafe class Spawner
{
    /// <summary>Returns the pid, or throws <see cref="SpawnException"/> with errno's text.</summary>
    public static int Spawn(SpawnSpec spec, int stdinFd, int stdoutFd, int stderrFd)
    {
        var strings = new List<IntPtr>(spec.Arguments.Count + spec.Environment.Count + 2);
        byte* actions = stackalloc byte[LibC.FileActionsSize];
        byte* attr = stackalloc byte[LibC.SpawnAttrSize];
        byte* allSignals = stackalloc byte[LibC.SigSetSize];
        byte* noSignals = stackalloc byte[LibC.SigSetSize];
        try
        {
            byte* path = CString(spec.FileName, strings);
            byte* cwd = CString(spec.WorkingDirectory, strings);
            byte** argv = NullTerminated(spec.Arguments, strings);
            byte** envp = NullTerminated(spec.Environment, strings);

            _ = LibC.posix_spawn_file_actions_init(actions);
            _ = LibC.posix_spawnattr_init(attr);
            try
            {
                Check(LibC.posix_spawn_file_actions_adddup2(actions, stdinFd, 0), "adddup2");
                Check(LibC.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1), "adddup2");
                Check(LibC.posix_spawn_file_actions_adddup2(actions, stderrFd, 2), "adddup2");
                Check(LibC.posix_spawn_file_actions_addchdir_np(actions, cwd), "addchdir");
                // Only 0-2, as Apache's children have: a descriptor the server inherited without
                // close-on-exec (from a shell, a supervisor) must not reach scripts.
                AddCloseFrom(actions);

                _ = LibC.sigfillset(allSignals);
                // SIGKILL and SIGSTOP cannot be defaulted; glibc rejects a set that holds them.
                _ = LibC.sigdelset(allSignals, LibC.SIGKILL);
                _ = LibC.sigdelset(allSignals, 19);
                _ = LibC.sigemptyset(noSignals);
                Check(LibC.posix_spawnattr_setsigdefault(attr, allSignals), "setsigdefault");
                Check(LibC.posix_spawnattr_setsigmask(attr, noSignals), "setsigmask");
                Check(LibC.posix_spawnattr_setflags(attr,
                    LibC.POSIX_SPAWN_SETSID | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK), "setflags");

                int rc = LibC.posix_spawn(out int pid, path, actions, attr, argv, envp);
                if (rc != 0)
                {
                    throw new SpawnException(rc, $"cannot exec {spec.FileName}: {LibC.ErrorText(rc)}");
                }
                if (spec.BatchScheduling)
                {
                    // Not a spawn attribute: glibc's takes only OTHER, FIFO and RR. The threads
                    // the child starts later inherit it. Merely slower without, so unchecked.
                    int priority = 0;
                    _ = LibC.sched_setscheduler(pid, LibC.SCHED_BATCH, &priority);
                }
                return pid;
            }
            finally
            {
                _ = LibC.posix_spawnattr_destroy(attr);
                _ = LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
        finally
        {
            foreach (IntPtr p in strings)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    private static bool s_noCloseFrom;

    private static void AddCloseFrom(byte* actions)
    {
        if (s_noCloseFrom)
        {
            return;
        }
        try
        {
            Check(LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom");
        }
        catch (EntryPointNotFoundException)
        {
            s_noCloseFrom = true;   // glibc before 2.34: the server's own fds are close-on-exec anyway
        }
    }

    /// <summary>A connected pair of Unix stream sockets, both close-on-exec: one end for us, the fd for the child.</summary>
    public static (Socket Parent, int ChildFd) CreateSocketPair()
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SpawnException(errno, $"socketpair: {LibC.ErrorText(errno)}");
        }
        var parent = new Socket(new SafeSocketHandle((IntPtr)fds[0], ownsHandle: true));
        return (parent, fds[1]);
    }

    public static bool IsExecutable(string path)
    {
        var strings = new List<IntPtr>(1);
        try
        {
            return LibC.access(CString(path, strings), LibC.X_OK) == 0;
        }
        finally
        {
            NativeMemory.Free((void*)strings[0]);
        }
    }

    /// <summary>The canonical path with every symlink resolved, or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var strings = new List<IntPtr>(1);
        try
        {
            byte* resolved = LibC.realpath(CString(path, strings), null);
            if (resolved == null)
            {
                return null;
            }
            string result = CgiText.FromBytes(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved));
            LibC.free(resolved);
            return result;
        }
        finally
        {
            NativeMemory.Free((void*)strings[0]);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new SpawnException(rc, $"posix_spawn {what}: {LibC.ErrorText(rc)}");
        }
    }

    /// <summary>A NUL-terminated copy with the environment's bytes (<see cref="CgiText"/>), freed with <paramref name="owned"/>.</summary>
    private static byte* CString(string s, List<IntPtr> owned)
    {
        int max = CgiText.GetByteCount(s) + 1;
        byte* p = (byte*)NativeMemory.Alloc((nuint)max);
        owned.Add((IntPtr)p);
        int n = CgiText.GetBytes(s, new Span<byte>(p, max - 1));
        p[n] = 0;
        return p;
    }

    private static byte** NullTerminated(IReadOnlyList<string> items, List<IntPtr> owned)
    {
        byte** array = (byte**)NativeMemory.Alloc((nuint)((items.Count + 1) * sizeof(byte*)));
        owned.Add((IntPtr)array);
        for (int i = 0; i < items.Count; i++)
        {
            array[i] = CString(items[i], owned);
        }
        array[items.Count] = null;
        return array;
    }
}

/// <summary>The child could not be started (the errno is kept for the log).</summary>
public sealed class SpawnException : Exception
{
    public SpawnException(int errno, string message) : base(message) => Errno = errno;

    public int Errno { get; }
}
