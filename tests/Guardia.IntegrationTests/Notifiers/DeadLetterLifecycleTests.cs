using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary><c>guardia serve</c> keeps a notification that failed for good as a dead letter, and forgets it once a
/// later flush of the group gets through.</summary>
public sealed class DeadLetterLifecycleTests
{
    static string Config(string sink) => $$"""
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 1s
          group_interval: 10s
        receivers:
          - name: hook
            webhook_configs:
              - url: '{{sink}}/hook'
        """;

    static async Task<JsonElement> WaitForLettersAsync(AlertApiServer guardia, string token, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            using var request = TestTokens.Request(HttpMethod.Get, "/api/v1/dead-letters", token);
            using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            if (condition(json) || DateTime.UtcNow > deadline)
            {
                return json;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task PermanentFailure_IsKeptAsDeadLetter_UntilTheNextFlushDelivers()
    {
        await using var sink = HttpSink.Start();
        sink.Script(400);
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config(sink.Url));
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");
        using (var r = await guardia.PostAlertsAsync("""[{"labels":{"alertname":"QueueLag","topic":"orders"}}]"""))
        {
            r.EnsureSuccessStatusCode();
        }

        var letters = await WaitForLettersAsync(guardia, viewer, j => j.GetArrayLength() > 0);
        var letter = Assert.Single(letters.EnumerateArray());
        Assert.Equal("hook", letter.GetProperty("receiver").GetString());
        Assert.Equal("webhook", letter.GetProperty("integration").GetString());
        Assert.Contains("400", letter.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The next flush (group_interval 10 s) sends the group again; the sink now answers 200.
        var after = await WaitForLettersAsync(guardia, viewer, j => j.GetArrayLength() == 0);
        Assert.Equal(0, after.GetArrayLength());
        Assert.Equal(2, sink.Requests.Count(r => r.Path == "/hook"));
    }
}
