using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public sealed class ProcessGroupTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Each_script_leads_its_own_session_and_process_group()
    {
        using var response = await _client.GetAsync("/cgi-bin/session.sh").Within();
        string[] ids = (await response.Content.ReadAsStringAsync().Within()).Trim().Split(' ');

        Assert.Equal(3, ids.Length);
        Assert.Equal(ids[0], ids[1]); // pgrp == pid
        Assert.Equal(ids[0], ids[2]); // session == pid
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ids[2]);
    }
}
