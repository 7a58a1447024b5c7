using Guardia.Core.Configuration;
using Guardia.Core.DeadLetters;

namespace Guardia.Core.Tests.DeadLetters;

public sealed class ReceiverSecretsTests
{
    static readonly ReceiverConfig Receiver = new()
    {
        Name = "all",
        SlackConfigs = [new SlackConfig { ApiUrl = new Secret("https://hooks.slack.com/services/T0/B0/XYZ") }],
        PagerDutyConfigs = [new PagerDutyConfig { RoutingKey = new Secret("rk-123"), ServiceKey = new Secret("sk-456") }],
        EmailConfigs = [new EmailConfig { AuthPassword = new Secret("hunter2") }],
        WebhookConfigs = [new WebhookConfig { HttpConfig = new HttpClientConfig { BearerToken = new Secret("bearer-789") } }],
    };

    static TheoryDataRow<string, string, string> Row(string name, string text, string expected) =>
        new(name, text, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string>> Cases =>
    [
        Row("slack url",          "Post \"https://hooks.slack.com/services/T0/B0/XYZ\": refused", "Post \"<secret>\": refused"),
        Row("routing key",        "routing key rk-123 rejected", "routing key <secret> rejected"),
        Row("service key",        "sk-456", "<secret>"),
        Row("smtp password",      "535 auth failed for hunter2", "535 auth failed for <secret>"),
        Row("bearer token",       "Authorization: Bearer bearer-789", "Authorization: Bearer <secret>"),
        Row("nothing to redact",  "unexpected status code 500", "unexpected status code 500"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Redact_HidesSecret_WhenTextContainsIt(string name, string text, string expected)
    {
        _ = name;

        var redacted = ReceiverSecrets.Redact(text, ReceiverSecrets.Of(Receiver));

        Assert.Equal(expected, redacted);
    }
}
