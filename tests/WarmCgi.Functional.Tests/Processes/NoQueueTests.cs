using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public sealed class NoQueueFixture : SiteFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["MaxProcesses"] = "1";
        settings["QueueLimit"] = "0";
        return settings;
    }
}

/// <summary>One process slot and no queue: a client that waits for each answer must never be refused.</summary>
public sealed class NoQueueTests(NoQueueFixture fixture) : IClassFixture<NoQueueFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Sequential_requests_are_never_refused_when_the_previous_one_has_been_answered()
    {
        for (int i = 0; i < 100; i++)
        {
            using var response = await _client.GetAsync("/cgi-bin/hello.sh").Within();
            await response.Content.ReadAsStringAsync().Within();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_local_redirect_is_not_refused_for_the_slot_its_own_first_script_held()
    {
        // A fresh server each time: the slot of a previous request must not be what is measured.
        for (int i = 0; i < 10; i++)
        {
            await using var server = await TestServer.StartAsync(fixture.Settings());

            using var response = await server.Client.GetAsync("/cgi-bin/redirect.sh?local").Within();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"attempt {i}: {(int)response.StatusCode}");
        }
    }
}
