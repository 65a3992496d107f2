namespace WarmCgi.Functional.Infrastructure;

/// <summary>Polls a condition that another process or thread makes true, up to a deadline.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            }
            await Task.Delay(Interval);
        }
    }

    /// <summary>Waits for a file a script writes (atomically, by rename) and returns its trimmed text.</summary>
    public static async Task<string> FileAsync(string path, TimeSpan timeout)
    {
        await TrueAsync(() => File.Exists(path), path, timeout);
        return (await File.ReadAllTextAsync(path).WaitAsync(timeout)).Trim();
    }
}
