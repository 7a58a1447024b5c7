using Guardia.Core.NotificationLog;
using Guardia.Core.Notify;

namespace Guardia.Core.Tests.Notify;

public sealed class DedupStageTests
{
    static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    static TheoryDataRow<string?, string, string, bool, int, bool> Row(string name, string? entry, string firing, string resolved, bool sendResolved, int entryAgeMinutes, bool expected) =>
        new(entry, firing, resolved, sendResolved, entryAgeMinutes, expected) { TestDisplayName = name };

    /// <summary>An entry is <c>firing/resolved</c> hash lists, e.g. <c>1,2/3</c>; null when nothing was notified.</summary>
    public static IEnumerable<TheoryDataRow<string?, string, string, bool, int, bool>> Cases =>
    [
        Row("never notified, firing", null, "1", "", true, 0, true),
        Row("never notified, only resolved", null, "", "1", true, 0, false),
        Row("same firing set, fresh", "1,2/", "1,2", "", true, 10, false),
        Row("new firing alert", "1/", "1,2", "", true, 10, true),
        Row("fewer firing, resolved shown, send_resolved", "1,2/", "1", "2", true, 10, true),
        Row("fewer firing, resolved, no send_resolved", "1,2/", "1", "2", false, 10, false),
        Row("resolved already notified", "1/2", "1", "2", true, 10, false),
        Row("all resolved, send_resolved off still notifies", "1/", "", "1", false, 10, true),
        Row("all resolved, last notification had none firing", "/1", "", "1,2", true, 10, false),
        Row("repeat interval elapsed", "1/", "1", "", true, 241, true),
        Row("repeat interval exactly now", "1/", "1", "", true, 240, false),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void NeedsUpdate_ReturnsAlertmanagersAnswer_WhenComparingWithTheLog(string? entry, string firing, string resolved, bool sendResolved, int entryAgeMinutes, bool expected)
    {
        NotificationEntry? e = null;
        if (entry is not null)
        {
            var parts = entry.Split('/');
            e = new NotificationEntry("g", new NotificationReceiver("r", "webhook", 0), Hashes(parts[0]).ToList(), Hashes(parts[1]).ToList(), Now.AddMinutes(-entryAgeMinutes), Now.AddDays(5));
        }
        var result = DedupStage.NeedsUpdate(e, Hashes(firing), Hashes(resolved), sendResolved, TimeSpan.FromHours(4), Now);
        Assert.Equal(expected, result);
    }

    static HashSet<ulong> Hashes(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ulong.Parse)];
}
