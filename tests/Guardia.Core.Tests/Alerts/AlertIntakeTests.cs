using Guardia.Core.Alerts;

namespace Guardia.Core.Tests.Alerts;

public sealed class AlertIntakeTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan ResolveTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Prepare_StartsNowAndTimesOut_WhenSenderGaveNoTimes()
    {
        var (alert, error) = AlertIntake.Prepare(LabelSet.Of(("alertname", "A")), LabelSet.Empty, default, default, null, Now, ResolveTimeout);
        Assert.Null(error);
        Assert.Equal(Now, alert!.StartsAt);
        Assert.Equal(Now + ResolveTimeout, alert.EndsAt);
        Assert.True(alert.Timeout);
        Assert.Equal(Now, alert.UpdatedAt);
    }

    [Fact]
    public void Prepare_StartsAtTheEnd_WhenOnlyEndsAtIsGiven()
    {
        var end = Now.AddMinutes(-1);
        var (alert, _) = AlertIntake.Prepare(LabelSet.Of(("alertname", "A")), LabelSet.Empty, default, end, null, Now, ResolveTimeout);
        Assert.Equal(end, alert!.StartsAt);
        Assert.False(alert.Timeout);
        Assert.True(alert.ResolvedAt(Now));
    }

    public static IEnumerable<TheoryDataRow<string, (string, string)[], (string, string)[], int, string>> Invalid =>
    [
        new("label name starting with a digit", [("0a", "b")], [], 0, "labels: invalid label set: invalid name \"0a\""),
        new("label name with a dash", [("alertname", "x"), ("my-label", "b")], [], 0, "invalid name \"my-label\""),
        new("only empty values", [("a", "")], [], 0, "labels: at least one label pair required"),
        new("no labels", [], [], 0, "at least one label pair required"),
        new("lone surrogate in a value", [("alertname", "\ud800")], [], 0, "invalid value"),
        new("invalid annotation name", [("alertname", "x")], [("bad name", "v")], 0, "annotations: invalid annotations: invalid name \"bad name\""),
        new("end before start", [("alertname", "x")], [], -1, "endsAt: start time must be before end time"),
    ];

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Prepare_RejectsWithFieldAndReason(string name, (string, string)[] labels, (string, string)[] annotations, int endOffsetMinutes, string expected)
    {
        var end = endOffsetMinutes == 0 ? default : Now.AddMinutes(endOffsetMinutes);
        var start = endOffsetMinutes == 0 ? default : Now;
        var (alert, error) = AlertIntake.Prepare(LabelSet.Of(labels), LabelSet.Of(annotations), start, end, null, Now, ResolveTimeout);
        Assert.Null(alert);
        Assert.True(error is not null && error.Contains(expected, StringComparison.Ordinal), $"{name}: {error}");
    }
}
