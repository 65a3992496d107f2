namespace WarmCgi.Pipeline;

/// <summary>
/// One script run's timeout, counted from its last sign of life as Apache's Timeout bounds
/// each read and write: every piece of output or of request body starts it again, and a
/// whole output disarms it. Extending is a no-op once the request is over (a body pump may
/// read on after the result is disposed).
/// </summary>
internal sealed class ScriptDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;

    public ScriptDeadline(TimeSpan timeout, TimeProvider time)
    {
        Timeout = timeout;
        _source = new CancellationTokenSource(timeout, time);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Canceled when the script has been silent for <see cref="Timeout"/>.</summary>
    public CancellationToken Token => _source.Token;

    public void Extend() => Set(Timeout);

    public void Disarm() => Set(System.Threading.Timeout.InfiniteTimeSpan);

    private void Set(TimeSpan delay)
    {
        try
        {
            _source.CancelAfter(delay);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _source.Dispose();
}
