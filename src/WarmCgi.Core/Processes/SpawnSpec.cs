namespace WarmCgi.Processes;

/// <summary>What to exec: the file, its argv (argv[0] included), the whole environment and the cwd.</summary>
internal sealed record SpawnSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Environment,
    string WorkingDirectory)
{
    /// <summary>
    /// SCHED_BATCH: the same CPU share, but a wake-up of it does not preempt the thread that
    /// woke it. For resident workers, which the server wakes once per request: left to
    /// preempt, a worker cut the server's socket threads off mid-request 1.4-1.9 times a
    /// request (0.5 with batch), for a worse p99 and fewer requests/s.
    /// </summary>
    public bool BatchScheduling { get; init; }
}

/// <summary>How a child ended, as waitpid reported it.</summary>
public readonly record struct ExitStatus(int Code, int Signal)
{
    public bool Success => Code == 0 && Signal == 0;

    internal static ExitStatus FromWaitStatus(int status)
    {
        int signal = status & 0x7f;
        return signal == 0 ? new ExitStatus((status >> 8) & 0xff, 0) : new ExitStatus(-1, signal);
    }

    public override string ToString() => Signal != 0 ? $"killed by signal {Signal}" : $"exit code {Code}";
}
