using System.Runtime.InteropServices;

namespace WarmCgi.Processes;

/// <summary>
/// The few libc calls the spawn path needs. .NET's Process cannot start a child in a new
/// session, so scripts are started with posix_spawn (glibc implements it with CLONE_VFORK:
/// no page-table copy, the leanest spawn Linux has).
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1;
    public const int SOCK_CLOEXEC = 0x80000;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;
    public const int SCHED_BATCH = 3;

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int WNOHANG = 1;
    public const int ESRCH = 3;
    public const int ECHILD = 10;

    // glibc's opaque types are 80 (file actions), 336 (attr) and 128 (sigset) bytes on
    // x86-64 and arm64; we allocate with headroom and never look inside.
    public const int FileActionsSize = 256;
    public const int SpawnAttrSize = 512;
    public const int SigSetSize = 128;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int socketpair(int domain, int type, int protocol, int* sv);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int EAGAIN = 11;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const uint EPOLLONESHOT = 1u << 30;

    [LibraryImport(Lib)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* fileActions, byte* path);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    /// <param name="param">A struct sched_param: one int, the priority (0 for SCHED_BATCH).</param>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_setscheduler(int pid, int policy, int* param);

    /// <summary>glibc 2.34+: the child closes every fd from <paramref name="from"/> up.</summary>
    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addclosefrom_np(void* fileActions, int from);

    [LibraryImport(Lib)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Lib)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Lib)]
    public static partial int sigdelset(void* set, int signo);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int access(byte* path, int mode);

    public const int X_OK = 1;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const uint EPOLLIN = 1;
    public const int EINTR = 4;
    private const long SYS_pidfd_open = 434; // the same number on x86-64 and arm64

    [LibraryImport(Lib, SetLastError = true)]
    private static partial long syscall(long number, long a1, long a2);

    /// <summary>An fd that becomes readable when the process exits (Linux 5.3+); -1 where unsupported.</summary>
    public static int pidfd_open(int pid) => (int)syscall(SYS_pidfd_open, pid, 0);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial byte* realpath(byte* path, byte* resolved);

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7ff;

    /// <summary>struct statx: one layout on every architecture (unlike struct stat).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct StatX
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
    }

    /// <param name="path">NUL-terminated, its bytes as <see cref="Cgi.CgiText"/> gives them (a Latin-1 file name too).</param>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int statx(int dirfd, byte* path, int flags, uint mask, StatX* buffer);

    [LibraryImport(Lib)]
    public static partial void free(void* p);

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
