using System.Runtime.InteropServices;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Security;

/// <summary>
/// A script gets fds 0-2 and nothing of the server's: a descriptor the server inherited
/// without close-on-exec (from the shell or supervisor that started it: a log file, a
/// socket) would otherwise reach every script, which could read or write it.
/// </summary>
public sealed partial class InheritedDescriptorTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    private const int F_DUPFD = 0;   // the lowest free fd from the argument up, never close-on-exec

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [Fact]
    public async Task A_descriptor_the_server_holds_without_close_on_exec_never_reaches_a_script()
    {
        // Far above what a shell opens for itself (dash reads its script on fd 10).
        int leaked = fcntl(2, F_DUPFD, 300);
        Assert.True(leaked >= 300, $"F_DUPFD failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var response = await _server.Client.GetAsync("/cgi-bin/fds.sh").Within();
            string[] open = (await response.Content.ReadAsStringAsync().Within()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Contains("1", open);
            Assert.DoesNotContain(leaked.ToString(System.Globalization.CultureInfo.InvariantCulture), open);
        }
        finally
        {
            _ = close(leaked);
        }
    }
}
