using WarmCgi.Processes;

namespace WarmCgi.Routing;

/// <summary>
/// One statx() of a path: what the resolver needs to know of a segment (there, a directory,
/// a symlink, executable bits, its owner) and what tells a script's edits apart (mtime, size,
/// inode).
/// </summary>
internal readonly record struct FileStatus(int Mode, long MtimeNanoseconds, long Size, ulong Inode, uint Owner)
{
    private const int TypeMask = 0xF000;
    private const int Directory = 0x4000;
    private const int Regular = 0x8000;
    private const int SymbolicLink = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == Directory;

    public bool IsSymbolicLink => (Mode & TypeMask) == SymbolicLink;

    public bool IsRegularFile => (Mode & TypeMask) == Regular;

    /// <summary>False when the path does not exist (or cannot be looked at).</summary>
    public static unsafe bool TryGet(string path, bool followLinks, out FileStatus status)
    {
        LibC.StatX buffer;
        int length = Cgi.CgiText.GetByteCount(path);
        Span<byte> bytes = length < 1024 ? stackalloc byte[length + 1] : new byte[length + 1];
        Cgi.CgiText.GetBytes(path, bytes);
        bytes[length] = 0;
        int rc;
        fixed (byte* p = bytes)
        {
            rc = LibC.statx(LibC.AT_FDCWD, p, followLinks ? 0 : LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, &buffer);
        }
        if (rc != 0)
        {
            status = default;
            return false;
        }
        status = new FileStatus(buffer.Mode, (buffer.MtimeSeconds * 1_000_000_000) + buffer.MtimeNanoseconds, (long)buffer.Size, buffer.Inode, buffer.Uid);
        return true;
    }
}
