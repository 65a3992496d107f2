using System.Diagnostics;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>
/// A slow upload by a client process of its own: a POST with a Content-Length whose body
/// arrives in pieces, a pause before each. Out of process because the test process's own
/// timers can lag under load, and a late piece would look like the silence it is not.
/// </summary>
public static class SlowUpload
{
    private const string Client = """
        import socket, sys, time
        port, path, pieces, size, pause = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("POST %s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (path, pieces * size)).encode())
        for _ in range(pieces):
            time.sleep(pause)
            s.sendall(b"x" * size)
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        sys.stdout.write(out.decode("latin-1"))
        """;

    /// <summary>The raw response (status line, headers, body), as the client read it to the connection's end.</summary>
    public static async Task<string> PostAsync(int port, string path, int pieces, int size, TimeSpan pause)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "-c", Client, port.ToString(System.Globalization.CultureInfo.InvariantCulture), path,
            pieces.ToString(System.Globalization.CultureInfo.InvariantCulture), size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            pause.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var client = Process.Start(start)!;
        string response = await client.StandardOutput.ReadToEndAsync().Within();
        await client.WaitForExitAsync().Within();
        return response;
    }
}
