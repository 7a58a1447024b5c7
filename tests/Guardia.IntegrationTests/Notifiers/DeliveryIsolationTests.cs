using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary><c>guardia serve</c> with one receiver that never answers: the other integration of the same receiver
/// and other receivers are notified on time.</summary>
public sealed class DeliveryIsolationTests
{
    [Fact]
    public async Task HangingReceiver_DelaysNoOtherIntegration()
    {
        await using var hanging = HttpSink.Start();
        hanging.Hang = true;
        await using var healthy = HttpSink.Start();
        var config = $$"""
            route:
              receiver: both
              group_by: [alertname]
              group_wait: 1s
              routes:
                - matchers: ['alertname="Other"']
                  receiver: other
            receivers:
              - name: both
                webhook_configs:
                  - url: '{{hanging.Url}}/hang'
                  - url: '{{healthy.Url}}/same-receiver'
              - name: other
                webhook_configs:
                  - url: '{{healthy.Url}}/other-receiver'
            """;
        await using var guardia = await AlertApiServer.StartGuardiaAsync(config);
        using (var r = await guardia.PostAlertsAsync("""[{"labels":{"alertname":"Down"}},{"labels":{"alertname":"Other"}}]"""))
        {
            r.EnsureSuccessStatusCode();
        }

        await hanging.WaitForAsync("/hang", TimeSpan.FromSeconds(15));
        await healthy.WaitForAsync("/same-receiver", TimeSpan.FromSeconds(15));
        await healthy.WaitForAsync("/other-receiver", TimeSpan.FromSeconds(15));
        // Both healthy deliveries arrived within 15 s, well inside the hanging attempt's 30 s timeout.
        Assert.True(hanging.Hang);
        Assert.NotEmpty(hanging.Requests);
    }
}
