using System.Diagnostics;
using System.Net;
using WarmCgi.Functional.Infrastructure;
using Xunit.Abstractions;

namespace WarmCgi.Functional.CgiSemantics;

[Collection(SerialCollection.Name)]
public sealed class LargeOutputTests(SiteFixture fixture, ITestOutputHelper output) : IClassFixture<SiteFixture>
{
    private const long MegaByte = 1024 * 1024;
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Fifty_megabytes_of_output_pass_with_bounded_server_memory()
    {
        using var response = await _client.GetAsync("/cgi-bin/big.py?50", HttpCompletionOption.ResponseHeadersRead).Within();
        await using var body = await response.Content.ReadAsStreamAsync().Within();
        var buffer = new byte[64 * 1024];
        long total = 0;
        long live = LiveHeap();
        long workingSet = WorkingSet();
        long maxLive = live;
        long maxWorkingSet = workingSet;

        // Read a little, then stop: a server without back-pressure would now buffer the other
        // 49 MB the script can write in well under a second.
        while (total < MegaByte)
        {
            total += await ReadAsync(body, buffer);
        }
        var pause = Stopwatch.StartNew();
        while (pause.Elapsed < TimeSpan.FromSeconds(1))
        {
            maxLive = Math.Max(maxLive, LiveHeap());
            maxWorkingSet = Math.Max(maxWorkingSet, WorkingSet());
            await Task.Delay(100);
        }
        int n;
        long reads = 0;
        while ((n = await ReadAsync(body, buffer)) > 0)
        {
            total += n;
            if (++reads % 200 == 0)
            {
                maxLive = Math.Max(maxLive, LiveHeap());
                maxWorkingSet = Math.Max(maxWorkingSet, WorkingSet());
            }
        }

        output.WriteLine($"live heap +{(maxLive - live) / 1024} KiB, working set +{(maxWorkingSet - workingSet) / 1024} KiB");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50 * MegaByte, total);
        Assert.True(maxLive - live < 16 * MegaByte, $"live managed heap grew by {(maxLive - live) / MegaByte} MB");
        Assert.True(maxWorkingSet - workingSet < 32 * MegaByte, $"working set grew by {(maxWorkingSet - workingSet) / MegaByte} MB");
    }

    private static async Task<int> ReadAsync(Stream body, byte[] buffer) =>
        await body.ReadAsync(buffer).AsTask().Within();

    private static long LiveHeap() => GC.GetTotalMemory(forceFullCollection: true);

    private static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
