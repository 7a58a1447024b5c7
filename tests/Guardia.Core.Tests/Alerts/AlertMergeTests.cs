using Guardia.Core.Alerts;

namespace Guardia.Core.Tests.Alerts;

/// <summary>Alertmanager's Alert.Merge, case by case.</summary>
public sealed class AlertMergeTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static Alert At(int startMin, int endMin, int updatedMin, bool timeout = false) => new()
    {
        Labels = LabelSet.Of(("alertname", "M")),
        StartsAt = T0.AddMinutes(startMin),
        EndsAt = T0.AddMinutes(endMin),
        UpdatedAt = T0.AddMinutes(updatedMin),
        Timeout = timeout,
    };

    public static IEnumerable<TheoryDataRow<string, Alert, Alert, int, int, int>> Cases =>
    [
        // name, older, newer, now (min), expected start, expected end
        new("earliest start wins", At(0, 30, 1), At(5, 30, 2), 10, 0, 30),
        new("firing: later non-timeout end of the older version wins", At(0, 60, 1), At(0, 30, 2), 10, 0, 60),
        new("firing: a timeout end of the older version does not win", At(0, 60, 1, timeout: true), At(0, 30, 2), 10, 0, 30),
        new("resolved newer version: its end stands", At(0, 60, 1), At(0, 5, 2), 10, 0, 5),
        new("both resolved: the latest end wins", At(0, 8, 1), At(0, 5, 2), 10, 0, 8),
        new("the younger version is chosen whatever the argument order", At(0, 30, 2), At(5, 60, 1, timeout: true), 10, 0, 30),
        new("an older firing version with a later explicit end extends the younger", At(0, 30, 2), At(5, 60, 1), 10, 0, 60),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_FollowsAlertmanager(string name, Alert older, Alert newer, int nowMin, int startMin, int endMin)
    {
        var merged = older.Merge(newer, T0.AddMinutes(nowMin));
        Assert.True(T0.AddMinutes(startMin) == merged.StartsAt, $"{name}: start {merged.StartsAt}");
        Assert.True(T0.AddMinutes(endMin) == merged.EndsAt, $"{name}: end {merged.EndsAt}");
    }

    [Fact]
    public void Merge_KeepsTheYoungerVersionsAnnotations()
    {
        var older = At(0, 30, 1) with { Annotations = LabelSet.Of(("summary", "old")) };
        var newer = At(0, 30, 2) with { Annotations = LabelSet.Of(("summary", "new")) };
        Assert.Equal("new", older.Merge(newer, T0).Annotations.Get("summary"));
        Assert.Equal("new", newer.Merge(older, T0).Annotations.Get("summary"));
    }
}
