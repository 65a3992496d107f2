using System.Text.Json;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>What cgi-bin/env.py saw: its environment, working directory and argv.</summary>
public sealed record ScriptView(IReadOnlyDictionary<string, string> Env, string Cwd, IReadOnlyList<string> Argv)
{
    public static async Task<ScriptView> FetchAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request).Within();
        string text = await response.Content.ReadAsStringAsync().Within();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return Parse(text);
    }

    public static Task<ScriptView> FetchAsync(HttpClient client, string url) =>
        FetchAsync(client, new HttpRequestMessage(HttpMethod.Get, url));

    public static ScriptView Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var env = root.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var argv = root.GetProperty("argv").EnumerateArray().Select(a => a.GetString() ?? "").ToList();
        return new ScriptView(env, root.GetProperty("cwd").GetString() ?? "", argv);
    }

    public string this[string name] => Env.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"{name} is not in the script's environment");
}
