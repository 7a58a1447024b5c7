using Guardia.Core.Configuration;

namespace Guardia.Core.Tests.Configuration;

public sealed class PlaceholdersTests
{
    static TheoryDataRow<string, bool> Row(string name, string value, bool expected) => new(value, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, bool>> Cases =>
    [
        Row("seed slack placeholder", "YOUR_SLACK_WEBHOOK", true),
        Row("seed pagerduty placeholder", "YOUR_PAGERDUTY_KEY", true),
        Row("angle brackets", "<your-routing-key>", true),
        Row("redacted secret", "<secret>", true),
        Row("environment reference", "${SLACK_WEBHOOK_URL}", true),
        Row("x-ed out slack url", "https://hooks.slack.com/services/XXX/YYY/ZZZ", true),
        Row("url with your_ segment", "https://example.org/YOUR_TOKEN", true),
        Row("changeme", "changeme", true),
        Row("put key here", "PUT_YOUR_KEY_HERE", true),
        Row("todo", "TODO", true),
        Row("real slack url", "https://hooks.slack.com/services/T024BE7LD/B0H8ZQ2C1/kUhPwtQ8Ln9m4Xb2Yx7", false),
        Row("loopback sink", "http://127.0.0.1:5001/slack", false),
        Row("real key", "e93facc04764012d7bfb002500d5d1a6", false),
        Row("word containing xxx", "foxxxy", false),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsPlaceholder_RecognisesUnfilledValues(string value, bool expected)
    {
        Assert.Equal(expected, Placeholders.IsPlaceholder(value));
    }

    [Theory]
    [InlineData("YOUR_SLACK_WEBHOOK", "unsupported scheme \"\" for URL")]
    [InlineData("ftp://example.org/", "unsupported scheme \"ftp\" for URL")]
    [InlineData("https://", "missing host for URL")]
    [InlineData("https:///path", "missing host for URL")]
    [InlineData("https://hooks.slack.com/services/a", null)]
    [InlineData("http://127.0.0.1:5001/", null)]
    public void ValidateUrl_ReturnsAlertmanagerMessage(string url, string? expected)
    {
        Assert.Equal(expected, Placeholders.ValidateUrl(url));
    }
}
