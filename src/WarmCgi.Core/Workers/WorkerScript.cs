using System.Security.Cryptography;

namespace WarmCgi.Workers;

/// <summary>
/// warmcgi_worker.py ships inside the assembly and is written out once per server process;
/// its name carries its hash, so a log line tells which worker version ran.
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

    /// <summary>
    /// Writes the worker into a fresh private directory (mode 0700, made by
    /// CreateTempSubdirectory): a predictable path in a shared /tmp would let another local
    /// user plant a worker of their own.
    /// </summary>
    public static string Extract()
    {
        byte[] content = Read();
        string hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        var dir = Directory.CreateTempSubdirectory("warmcgi-");
        string path = Path.Combine(dir.FullName, $"warmcgi_worker-{hash}.py");
        File.WriteAllBytes(path, content);
        return path;
    }
}
