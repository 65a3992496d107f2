using System.Globalization;
using System.Text;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// One answer of a warm/ test script: status, content type, body bytes, and the pid the
/// script reported in X-Worker-Pid (0 when it reports none). The scripts set that header
/// themselves, to their os.getpid(): in warm mode the worker's (the resident interpreter's),
/// in fork mode the child's, new for each request.
/// </summary>
public sealed record ScriptRun(int Status, string? ContentType, byte[] Body, int Pid, string? RetryAfter)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The value of a "name=value" line of the body.</summary>
    public string this[string name] =>
        Text.Split('\n').Select(line => line.Split('=', 2)).FirstOrDefault(pair => pair.Length == 2 && pair[0] == name)?[1]
        ?? throw new KeyNotFoundException($"no '{name}=' line in:\n{Text}");

    public override string ToString() => $"{Status} from pid {Pid}:\n{Text}";
}

public static class ScriptRuns
{
    public static async Task<ScriptRun> RunAsync(this HttpClient client, string url, HttpContent? body = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url) { Content = body };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        using var response = await client.SendAsync(request).Within();
        byte[] bytes = await response.Content.ReadAsByteArrayAsync().Within();
        int pid = response.Headers.TryGetValues("X-Worker-Pid", out var values)
            ? int.Parse(values.First(), CultureInfo.InvariantCulture)
            : 0;
        return new ScriptRun((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), bytes, pid,
            response.Headers.RetryAfter?.ToString());
    }

    /// <summary>The same request <paramref name="times"/> times in a row, each after the previous one's answer.</summary>
    public static async Task<List<ScriptRun>> RunTimesAsync(this HttpClient client, int times, string url)
    {
        var runs = new List<ScriptRun>();
        for (int i = 0; i < times; i++)
        {
            runs.Add(await client.RunAsync(url));
        }
        return runs;
    }

    /// <summary>Every run was answered by one and the same worker.</summary>
    public static void AssertSameWorker(IEnumerable<ScriptRun> runs)
    {
        var pids = runs.Select(r => r.Pid).ToList();
        Assert.All(pids, pid => Assert.True(pid > 0, "a run reported no X-Worker-Pid"));
        Assert.True(pids.Distinct().Count() == 1, "the runs were answered by different workers: " + string.Join(", ", pids));
        Assert.NotEqual(Environment.ProcessId, pids[0]);
    }

    /// <summary>
    /// What the pids of runs in a row say in <paramref name="mode"/>: in warm mode one and the
    /// same worker answered them all; in fork mode each ran in a process of its own, as under
    /// CGI. (A fork-mode script's X-Worker-Pid is its child's pid, so which resident
    /// interpreter forked it cannot be told from it.)
    /// </summary>
    public static void AssertWorkers(string mode, IEnumerable<ScriptRun> runs)
    {
        if (mode != "fork")
        {
            AssertSameWorker(runs);
            return;
        }
        var pids = runs.Select(r => r.Pid).ToList();
        Assert.All(pids, pid => Assert.True(pid > 0, "a run reported no X-Worker-Pid"));
        Assert.True(pids.Distinct().Count() == pids.Count, "forked runs shared a process: " + string.Join(", ", pids));
        Assert.DoesNotContain(Environment.ProcessId, pids);
    }

    /// <summary>
    /// Runs warm/<paramref name="path"/> once under /cold (a fresh CGI process), then
    /// <paramref name="times"/> times in a row under /<paramref name="mode"/> ("warm" or
    /// "fork"): every answer must be the cold one byte for byte, and the pids must be what
    /// <see cref="AssertWorkers"/> expects of the mode (one worker for all warm runs).
    /// </summary>
    public static async Task<List<ScriptRun>> AssertMatchesColdAsync(this HttpClient client, string path, string mode, int times = 3)
    {
        var cold = await client.RunAsync("/cold/" + path);
        var runs = await client.RunTimesAsync(times, $"/{mode}/{path}");
        for (int i = 0; i < runs.Count; i++)
        {
            AssertSameOutput(cold, runs[i], $"{mode} run {i + 1} of {path}");
        }
        AssertWorkers(mode, runs);
        return runs;
    }

    public static void AssertSameOutput(ScriptRun cold, ScriptRun run, string what)
    {
        Assert.True(cold.Status == run.Status && cold.ContentType == run.ContentType && cold.Body.AsSpan().SequenceEqual(run.Body),
            $"{what} differs from the CGI process's output.\n--- cold: {cold.Status} {cold.ContentType}\n{Escape(cold.Text)}\n--- {what}: {run.Status} {run.ContentType}\n{Escape(run.Text)}");
    }

    private static string Escape(string text) =>
        text.Length > 4000 ? text[..4000] + "..." : text.Replace("\r", "\\r", StringComparison.Ordinal);
}
