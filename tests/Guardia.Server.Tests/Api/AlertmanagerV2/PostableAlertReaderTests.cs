using System.Text;
using Guardia.Core.Alerts;
using Guardia.Server.Api.AlertmanagerV2;

namespace Guardia.Server.Tests.Api.AlertmanagerV2;

public sealed class PostableAlertReaderTests
{
    static (List<PostableAlert>? Alerts, BodyError? Error) Read(string json) =>
        PostableAlertReader.Read(Encoding.UTF8.GetBytes(json), new LabelStringPool());

    [Fact]
    public void Read_ReturnsEveryField_WhenBodyIsValid()
    {
        var (alerts, error) = Read("""
            [{"labels":{"alertname":"A","b":"ñ"},"annotations":{"summary":"s"},
              "startsAt":"2026-01-02T03:04:05.123456789Z","endsAt":"2026-01-02T04:00:00+02:00",
              "generatorURL":"http://x/graph","extra":{"nested":[1,2]}}]
            """);
        Assert.Null(error);
        var a = Assert.Single(alerts!);
        Assert.Equal("ñ", a.Labels!.Get("b"));
        Assert.Equal("s", a.Annotations.Get("summary"));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), a.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero), a.EndsAt);
        Assert.Equal("http://x/graph", a.GeneratorUrl);
    }

    public static IEnumerable<TheoryDataRow<string, string, int, string>> Errors =>
    [
        new("empty body", "", 400, "body is empty"),
        new("truncated", "[{\"labels\":{\"a\":\"b\"}", 400, "truncated"),
        new("object, not array", "{}", 400, "expected a JSON array of alerts, found an object (at line 1, column 1)"),
        new("array of strings", "[\"x\"]", 400, "alerts[0]: expected an object, found a string"),
        new("label value is a number", "[{\"labels\":{\"alertname\":\"x\"}},\n {\"labels\":{\"a\":1}}]", 400, "alerts[1].labels[\"a\"]: expected a string value, found a number (at line 2, column 17)"),
        new("labels is an array", "[{\"labels\":[]}]", 400, "alerts[0].labels: expected an object of string values, found an array"),
        new("time is a number", "[{\"labels\":{\"a\":\"b\"},\"startsAt\":1}]", 400, "alerts[0].startsAt: expected an RFC 3339 date-time string"),
        new("time is not a time", "[{\"labels\":{\"a\":\"b\"},\"endsAt\":\"soon\"}]", 400, "alerts[0].endsAt: \"soon\" is not an RFC 3339 date-time"),
        new("labels missing", "[{\"labels\":{\"a\":\"b\"}},{}]", 422, "1.labels in body is required"),
        new("labels null", "[{\"labels\":null}]", 422, "0.labels in body is required"),
        new("generatorURL not a URI", "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":\"no such thing\"}]", 422, "0.generatorURL in body must be of type uri"),
        new("generatorURL is a number", "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":5}]", 400, "alerts[0].generatorURL: expected a string"),
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void Read_SaysWhichAlertAndField_WhenBodyIsBad(string name, string json, int status, string expected)
    {
        var (alerts, error) = Read(json);
        Assert.Null(alerts);
        Assert.NotNull(error);
        Assert.True(error.StatusCode == status, $"{name}: {error}");
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Fact]
    public void Read_SharesPooledStrings_AcrossAlerts()
    {
        var (alerts, _) = Read("[{\"labels\":{\"job\":\"node\"}},{\"labels\":{\"job\":\"node\"}}]");
        Assert.Same(alerts![0].Labels!.Get("job"), alerts[1].Labels!.Get("job"));
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05Z", true)]
    [InlineData("2026-01-02T03:04:05.1+05:30", true)]
    [InlineData("2026-01-02T03:04:05.123456789-03:00", true)]
    [InlineData("2026-01-02 03:04:05", true)]
    [InlineData("02/01/2026", false)]
    [InlineData("", false)]
    public void TryParseTime_AcceptsTheFormsGoOpenApiAccepts(string text, bool ok)
    {
        Assert.Equal(ok, PostableAlertReader.TryParseTime(text, out var t));
        if (ok)
        {
            Assert.Equal(TimeSpan.Zero, t.Offset);
        }
    }
}
