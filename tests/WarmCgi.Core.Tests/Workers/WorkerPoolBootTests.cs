using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WarmCgi.Configuration;
using WarmCgi.Workers;

namespace WarmCgi.Core.Tests.Workers;

/// <summary>
/// A pool whose interpreter cannot start a worker (a real one that exits at once, counting
/// its starts) on a clock the test moves: after three failures in a row it gives up keeping
/// its minimum up, and only a request tries again -- an interpreter nobody asks for stays quiet.
/// </summary>
public sealed class WorkerPoolBootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warmcgi-boot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task After_three_failed_starts_the_pool_starts_no_worker_on_its_own_again()
    {
        string starts = Path.Combine(_dir, "starts");
        string interpreter = Path.Combine(_dir, "python3");
        File.WriteAllText(interpreter, $"#!/bin/sh\necho >> '{starts}'\nexit 1\n");
        File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var time = new FakeTimeProvider();
        var spec = new WorkerSpec(interpreter, "/nonexistent/worker.py", [], KeepAppModules: false, Fork: false, TimeSpan.FromSeconds(5));
        await using var pool = new WorkerPool(spec, new WarmPoolOptions { MinWorkers = 1, MaxWorkers = 1 }, TimeSpan.FromSeconds(1), time, NullLogger.Instance);

        // The upkeep ticks each second of the clock: three starts, each failing.
        for (int tick = 0; tick < 100 && Count(starts) < 3; tick++)
        {
            await Task.Delay(50);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(3, Count(starts));

        // A minute of upkeep, the 10 s pause long over: no start without a request.
        for (int tick = 0; tick < 60; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        await Task.Delay(500);
        Assert.Equal(3, Count(starts));
    }

    [Fact]
    public async Task Requests_that_find_every_start_failing_all_get_their_answer_none_waits_for_its_timeout()
    {
        string interpreter = Path.Combine(_dir, "python3");
        File.WriteAllText(interpreter, "#!/bin/sh\nsleep 0.3\nexit 1\n");   // slow to fail: the starts overlap
        File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var time = new FakeTimeProvider();
        var spec = new WorkerSpec(interpreter, "/nonexistent/worker.py", [], KeepAppModules: false, Fork: false, TimeSpan.FromSeconds(5));
        await using var pool = new WorkerPool(spec, new WarmPoolOptions { MinWorkers = 0, MaxWorkers = 2 }, TimeSpan.FromSeconds(1), time, NullLogger.Instance);
        for (int i = 0; i < 3; i++)
        {
            Assert.Null((await pool.AcquireAsync(CancellationToken.None)).Worker);   // three in a row: starts paused
        }
        time.Advance(TimeSpan.FromSeconds(11));   // the pause is over

        // Two requests start a worker each (MaxWorkers); the third waits for one of them.
        using var late = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pool.AcquireAsync(late.Token).AsTask()));

        Assert.All(answers, answer => Assert.Equal(WarmCgi.Cgi.CgiError.BackendCrashed, answer.Error));
    }

    private static int Count(string starts) => File.Exists(starts) ? File.ReadAllLines(starts).Length : 0;
}
