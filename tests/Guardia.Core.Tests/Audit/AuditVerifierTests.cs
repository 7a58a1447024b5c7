using Guardia.Core.Audit;

namespace Guardia.Core.Tests.Audit;

public sealed class AuditVerifierTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    static List<AuditEvent> Chain(int count)
    {
        var events = new List<AuditEvent>();
        AuditHead? head = null;
        for (var i = 0; i < count; i++)
        {
            var e = AuditChain.Next(head, new AuditEntry(T0.AddMinutes(i), "ana", "api.silence.create", $"s-{i}", $$"""{"n":{{i}}}"""));
            events.Add(e);
            head = new AuditHead(e.Sequence, e.Hash);
        }
        return events;
    }

    static AuditHead HeadOf(List<AuditEvent> events) => new(events[^1].Sequence, events[^1].Hash);

    [Fact]
    public void Verify_IsIntact_WhenChainIsUntouched()
    {
        var events = Chain(5);

        var result = AuditVerifier.Verify(events, HeadOf(events));

        Assert.True(result.Intact, result.ToString());
        Assert.Equal(5, result.Count);
        Assert.Equal("audit log intact: 5 events", result.ToString());
    }

    [Fact]
    public void Verify_IsIntact_WhenEmpty()
    {
        Assert.True(AuditVerifier.Verify([], null).Intact);
    }

    public static IEnumerable<TheoryDataRow<string, long, string>> Tampering =>
    [
        new("details edited", 3, "do not match its hash") { TestDisplayName = "details edited" },
        new("actor edited", 2, "do not match its hash") { TestDisplayName = "actor edited" },
        new("time edited", 4, "do not match its hash") { TestDisplayName = "time edited" },
        new("middle deleted", 3, "missing") { TestDisplayName = "middle deleted" },
        new("last deleted", 5, "newest events were deleted") { TestDisplayName = "last deleted" },
        new("first deleted", 1, "missing") { TestDisplayName = "first deleted" },
        new("middle deleted and renumbered", 3, "previous hash does not match") { TestDisplayName = "middle deleted and renumbered" },
        new("head rewritten to hide deletion", 4, "does not have the hash the head record keeps") { TestDisplayName = "head rewritten to hide deletion" },
        new("head deleted", 1, "head record is missing") { TestDisplayName = "head deleted" },
    ];

    [Theory]
    [MemberData(nameof(Tampering))]
    public void Verify_NamesFirstBadSequence_WhenTampered(string name, long expectedSequence, string reason)
    {
        var events = Chain(5);
        AuditHead? head = HeadOf(events);
        switch (name)
        {
            case "details edited":
                events[2] = events[2] with { Details = """{"n":99}""" };
                break;
            case "actor edited":
                events[1] = events[1] with { Actor = "mallory" };
                break;
            case "time edited":
                events[3] = events[3] with { At = events[3].At.AddSeconds(1) };
                break;
            case "middle deleted":
                events.RemoveAt(2);
                break;
            case "last deleted":
                events.RemoveAt(4);
                break;
            case "first deleted":
                events.RemoveAt(0);
                break;
            case "middle deleted and renumbered":
                events.RemoveAt(2);
                for (var i = 2; i < events.Count; i++)
                {
                    events[i] = events[i] with { Sequence = i + 1 };
                }
                break;
            case "head rewritten to hide deletion":
                events.RemoveAt(4);
                head = new AuditHead(4, "f00d");
                break;
            case "head deleted":
                head = null;
                break;
        }

        var result = AuditVerifier.Verify(events, head);

        Assert.False(result.Intact);
        Assert.Equal(expectedSequence, result.FirstBadSequence);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AcceptsEventsPastHead_WhenAppendedAfterHeadWasRead()
    {
        var events = Chain(5);
        var headReadEarlier = new AuditHead(events[2].Sequence, events[2].Hash);

        Assert.True(AuditVerifier.Verify(events, headReadEarlier).Intact);
    }

    [Fact]
    public async Task VerifyAsync_AgreesWithVerify_WhenEdited()
    {
        var events = Chain(3);
        events[1] = events[1] with { Kind = "api.silence.delete" };

        var result = await AuditVerifier.VerifyAsync(events.ToAsyncEnumerable(), HeadOf(events), TestContext.Current.CancellationToken);

        Assert.Equal(2, result.FirstBadSequence);
    }
}
