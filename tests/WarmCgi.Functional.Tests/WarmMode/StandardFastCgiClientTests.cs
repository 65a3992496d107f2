using System.Diagnostics;
using WarmCgi.Functional.Infrastructure;
using WarmCgi.Workers;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The worker speaks plain FastCGI: started by hand on a socket path (<c>--bind</c>), it
/// answers libfcgi's own client, cgi-fcgi, request after request in the same interpreter --
/// the way an operator checks a worker without the server.
/// </summary>
public sealed class StandardFastCgiClientTests : IDisposable
{
    private readonly ScriptSite _site = ScriptSite.Create();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task A_worker_started_by_hand_answers_cgi_fcgi_request_after_request()
    {
        Tool.Require("/usr/bin/cgi-fcgi", "libfcgi-bin");
        string socket = _site.WorkFile("worker.sock");
        string script = WorkerScript.Extract();
        using var worker = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, "--bind", socket])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            await Eventually.TrueAsync(() => File.Exists(socket), "the worker's socket", Timeouts.Request);
            var client = Tool.CgiFcgi(_site.Work)
                .With("REQUEST_METHOD", "GET")
                .With("SCRIPT_FILENAME", Path.Combine(_site["warm"], "py3", "environ.py"))
                .With("QUERY_STRING", "probe=1");

            var first = await client.RunAsync(_site.Work, "-bind", "-connect", socket);
            var second = await client.RunAsync(_site.Work, "-bind", "-connect", socket);

            foreach (var answer in new[] { first, second })
            {
                Assert.StartsWith("Content-Type: text/plain\n", answer.Stdout, StringComparison.Ordinal);
                Assert.Contains("\nquery=probe=1\n", answer.Stdout, StringComparison.Ordinal);
            }
            // The first request set a variable in os.environ: the second does not see it.
            Assert.Contains("\nleftover=unset\n", second.Stdout, StringComparison.Ordinal);
            Assert.Equal(PidOf(first.Stdout), PidOf(second.Stdout));
            Assert.Equal(worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), PidOf(first.Stdout));
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
        }
    }

    private static string PidOf(string answer) =>
        answer.Split('\n').First(line => line.StartsWith("X-Worker-Pid: ", StringComparison.Ordinal))["X-Worker-Pid: ".Length..].Trim();
}
