namespace WarmCgi.Functional.Infrastructure;

/// <summary>Every await in these tests is bounded by one of these.</summary>
public static class Timeouts
{
    /// <summary>A request that should be answered at once.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);

    /// <summary>A process that was signalled should be gone well within this.</summary>
    public static readonly TimeSpan ProcessGone = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a stream.py's first line may take: less than the 30 s the script holds its
    /// last one, so a first line that only came with the last was buffered, never streamed.
    /// </summary>
    public static readonly TimeSpan StreamedLine = TimeSpan.FromSeconds(20);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);

    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);
}
