using Guardia.Core.Audit;

namespace Guardia.Core.Tests.Audit;

public sealed class AuditChainTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_StartsAtOneFromGenesis_WhenLogIsEmpty()
    {
        var e = AuditChain.Next(null, new AuditEntry(T0, "ana", "api.silence.create", "s-1", "{}"));

        Assert.Equal(1, e.Sequence);
        Assert.Equal(AuditChain.Genesis, e.PreviousHash);
        Assert.Equal(64, e.Hash.Length);
        Assert.Equal(AuditChain.ComputeHash(e), e.Hash);
    }

    [Fact]
    public void Next_LinksToHead_WhenLogHasEvents()
    {
        var first = AuditChain.Next(null, new AuditEntry(T0, "ana", "k", "t", "{}"));

        var second = AuditChain.Next(new AuditHead(first.Sequence, first.Hash), new AuditEntry(T0, "ana", "k", "t", "{}"));

        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.NotEqual(first.Hash, second.Hash);
    }

    [Fact]
    public void Next_TruncatesTimeToMilliseconds_SoStoredEventsVerify()
    {
        var e = AuditChain.Next(null, new AuditEntry(T0.AddTicks(1234), "ana", "k", "t", "{}"));

        Assert.Equal(T0, e.At);
    }

    [Fact]
    public void ComputeHash_Differs_WhenTextMovesBetweenFields()
    {
        // Length prefixes: "ab"+"c" and "a"+"bc" must not hash alike.
        var a = AuditChain.ComputeHash(AuditChain.Genesis, 1, T0, "ab", "c", "t", "{}");
        var b = AuditChain.ComputeHash(AuditChain.Genesis, 1, T0, "a", "bc", "t", "{}");

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ComputeHash_IsStable_AcrossVersions()
    {
        // Pinned: changing the canonical encoding would make every existing log fail verification.
        Assert.Equal(
            AuditChain.ComputeHash(AuditChain.Genesis, 1, T0, "ana", "api.silence.create", "s-1", "{}"),
            AuditChain.ComputeHash(new string('0', 64), 1, DateTimeOffset.FromUnixTimeMilliseconds(T0.ToUnixTimeMilliseconds()), "ana", "api.silence.create", "s-1", "{}"));
    }
}
