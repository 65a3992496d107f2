namespace WarmCgi.Workers;

/// <summary>What one pool's workers are started with; workers of one pool are interchangeable.</summary>
internal sealed record WorkerSpec(
    string Interpreter,
    string WorkerScript,
    IReadOnlyList<string> Environment,
    bool KeepAppModules,
    TimeSpan BootTimeout);

/// <summary>A pool is keyed by the interpreter and how app modules are treated.</summary>
internal readonly record struct PoolKey(string Interpreter, bool KeepAppModules);
