using System.Reflection;
using WarmCgi.Configuration;

namespace WarmCgi.Cli;

/// <summary>
/// The bundled guestbook, served by `warmcgi serve` with no arguments. Its files travel inside
/// the executable and are written out at start-up (scripts made executable), so the first
/// command works from a published folder, a .NET tool or `dotnet run` alike.
/// </summary>
internal static class SampleApp
{
    private const string Prefix = "sample/";

    public static void Apply(WarmCgiOptions options)
    {
        string root = Extract();
        options.Mappings.Add(new ScriptMappingOptions { Prefix = "/cgi-bin", Path = Path.Combine(root, "cgi-bin") });
        options.DocumentRoot = Path.Combine(root, "htdocs");
        options.SetEnv.TryAdd("GUESTBOOK_DB", Path.Combine(root, "data", "guestbook.db"));
    }

    private static string Extract()
    {
        string root = Path.Combine(Path.GetTempPath(), $"warmcgi-sample-{Environment.UserName}");
        var assembly = Assembly.GetExecutingAssembly();
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            string relative = name[Prefix.Length..].Replace('\\', '/');
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var source = assembly.GetManifestResourceStream(name)!)
            using (var target = File.Create(path))
            {
                source.CopyTo(target);
            }
            if (relative.StartsWith("cgi-bin/", StringComparison.Ordinal))
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }
        Directory.CreateDirectory(Path.Combine(root, "data"));
        return root;
    }
}
