using Guardia.Core.Access;

namespace Guardia.Core.Tests.Access;

public sealed class ApiTokensTests
{
    [Fact]
    public void NewSecret_HasPrefixAnd32RandomBytes_WhenGenerated()
    {
        var a = ApiTokens.NewSecret();
        var b = ApiTokens.NewSecret();

        Assert.StartsWith("gdu_", a, StringComparison.Ordinal);
        Assert.Equal(4 + 43, a.Length);
        Assert.All(a[4..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Hash_IsLowerHexSha256_WhenGivenSecret()
    {
        // echo -n abc | sha256sum
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiTokens.Hash("abc"));
    }

    [Theory]
    [InlineData("same", "gdu_x", "gdu_x", true)]
    [InlineData("last char differs", "gdu_x", "gdu_y", false)]
    [InlineData("prefix of the other", "gdu_x", "gdu_xx", false)]
    [InlineData("empty", "", "gdu_x", false)]
    public void FixedTimeEquals_ComparesWholeValues(string name, string a, string b, bool expected)
    {
        _ = name;

        Assert.Equal(expected, ApiTokens.FixedTimeEquals(a, b));
    }

    [Theory]
    [InlineData("grafana", true)]
    [InlineData("ana.lopez@tiendi", true)]
    [InlineData("ci-bot_2", true)]
    [InlineData("", false)]
    [InlineData("two words", false)]
    [InlineData("semi;colon", false)]
    [InlineData("quote\"", false)]
    [InlineData("ñandú", false)]
    [InlineData("newline\n", false)]
    public void ValidateName_AcceptsOnlySafeNames(string name, bool valid)
    {
        Assert.Equal(valid, ApiTokens.ValidateName(name) is null);
    }

    [Fact]
    public void ValidateName_Refuses_WhenLongerThan64()
    {
        Assert.Contains("at most 64", ApiTokens.ValidateName(new string('a', 65)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("viewer", Role.Viewer)]
    [InlineData("Responder", Role.Responder)]
    [InlineData(" ADMIN ", Role.Admin)]
    public void RoleNames_ParsesAnyCase(string text, Role expected)
    {
        Assert.True(RoleNames.TryParse(text, out var role));
        Assert.Equal(expected, role);
        Assert.Equal(text.Trim().ToLowerInvariant(), RoleNames.Name(role));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("3")]
    public void RoleNames_Refuses_WhenUnknown(string? text)
    {
        Assert.False(RoleNames.TryParse(text, out _));
    }

    [Fact]
    public void Role_OrdersViewerBelowResponderBelowAdmin()
    {
        Assert.True(Role.Viewer < Role.Responder);
        Assert.True(Role.Responder < Role.Admin);
    }
}
