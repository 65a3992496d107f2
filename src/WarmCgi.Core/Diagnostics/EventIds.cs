namespace WarmCgi.Diagnostics;

/// <summary>Every log event id WarmCgi uses, in one place. A number is never reused for another event.</summary>
internal static class EventIds
{
    public const int ScriptStderr = 100;
    public const int ScriptFailed = 101;
    public const int ScriptTimedOut = 102;
    public const int ScriptNotFound = 103;
    public const int ScriptExited = 104;
    public const int Overloaded = 105;
    public const int BodyTooLarge = 106;
    public const int RedirectLoop = 107;
    public const int ClientGone = 108;
    public const int BadResponseHeader = 109;

    public const int WorkerStarted = 200;
    public const int WorkerExited = 201;
    public const int WorkerBootFailed = 202;
    public const int WorkerRecycled = 203;
    public const int WorkerLog = 204;
    public const int PoolGaveUp = 205;
    public const int WorkerProtocolError = 206;
    public const int WorkerStopped = 207;

    public const int Listening = 300;
    public const int ConfigInvalid = 301;
    public const int SampleExtracted = 302;
    public const int MappingConfigured = 303;
}
