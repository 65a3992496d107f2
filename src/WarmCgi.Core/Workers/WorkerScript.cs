using System.Security.Cryptography;

namespace WarmCgi.Workers;

/// <summary>
/// warmcgi_worker.py ships inside the assembly and is written out once, to a file named by
/// its hash: several server versions on one machine never run each other's worker.
/// </summary>
internal static class WorkerScript
{
    public const string ResourceName = "warmcgi_worker.py";

    public static byte[] Read()
    {
        using var stream = typeof(WorkerScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("the Python worker is missing from the assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    public static string Extract()
    {
        byte[] content = Read();
        string hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        string dir = Path.Combine(Path.GetTempPath(), $"warmcgi-{Environment.UserName}");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"warmcgi_worker-{hash}.py");
        if (!File.Exists(path))
        {
            string temp = path + "." + Environment.ProcessId;
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        return path;
    }
}
