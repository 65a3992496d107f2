using System.IO.Pipelines;

namespace WarmCgi.AspNetCore;

/// <summary>A connection's transport with one side replaced, for the connection middleware.</summary>
internal sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
