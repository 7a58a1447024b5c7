using Guardia.Core.Incidents;

namespace Guardia.Core.Tests.Incidents;

public sealed class AckTokensTests
{
    static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    static readonly byte[] OtherKey = [.. Enumerable.Range(2, 32).Select(i => (byte)i)];
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly string Valid = AckTokens.Create(Key, "INC-42", "ana", Now.AddHours(24));

    static string Flip(string token, int index) =>
        token[..index] + (token[index] == 'A' ? 'B' : 'A') + token[(index + 1)..];

    static TheoryDataRow<string, string?, string, DateTimeOffset, string?> Row(string name, string? token, string incident, DateTimeOffset at, string? user) =>
        new(name, token, incident, at, user) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string?, string, DateTimeOffset, string?>> Cases =>
    [
        Row("valid", Valid, "INC-42", Now, "ana"),
        Row("valid one millisecond before expiry", Valid, "INC-42", Now.AddHours(24).AddMilliseconds(-1), "ana"),
        Row("expired at the instant", Valid, "INC-42", Now.AddHours(24), null),
        Row("expired later", Valid, "INC-42", Now.AddDays(3), null),
        Row("other incident", Valid, "INC-43", Now, null),
        Row("tampered payload", Flip(Valid, 3), "INC-42", Now, null),
        Row("tampered signature", Flip(Valid, Valid.Length - 3), "INC-42", Now, null),
        Row("payload of another token", AckTokens.Create(Key, "INC-42", "mallory", Now.AddHours(1)).Split('.')[0] + "." + Valid.Split('.')[1], "INC-42", Now, null),
        Row("signed with another key", AckTokens.Create(OtherKey, "INC-42", "ana", Now.AddHours(24)), "INC-42", Now, null),
        Row("null", null, "INC-42", Now, null),
        Row("empty", "", "INC-42", Now, null),
        Row("no dot", "abc", "INC-42", Now, null),
        Row("dot only", ".", "INC-42", Now, null),
        Row("not base64", "!!!.???", "INC-42", Now, null),
        Row("huge", new string('A', 100_000) + "." + new string('A', 43), "INC-42", Now, null),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryVerify_AcceptsOnlyValidUnexpiredTokensForTheIncident(string name, string? token, string incident, DateTimeOffset at, string? user)
    {
        var ok = AckTokens.TryVerify(Key, token, incident, at, out var got);
        Assert.True(ok == (user is not null), name);
        Assert.Equal(user, got);
    }

    [Fact]
    public void TryVerify_ReturnsTheClaims()
    {
        Assert.True(AckTokens.TryVerify(Key, Valid, Now, out var claims));
        Assert.Equal(new AckTokenClaims("INC-42", "ana", Now.AddHours(24)), claims);
    }

    [Fact]
    public void Create_RefusesShortKeysAndLineBreaks()
    {
        Assert.Throws<ArgumentException>(() => AckTokens.Create(new byte[16], "INC-1", "ana", Now));
        Assert.Throws<ArgumentException>(() => AckTokens.Create(Key, "INC-1", "ana\nINC-2", Now));
        Assert.Throws<ArgumentException>(() => AckTokens.Create(Key, "", "ana", Now));
    }
}
