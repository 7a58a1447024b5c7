using System.Text;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("whole", "token=abcdef", "token=<secret>")]
    [InlineData("twice", "abcdef abcdef", "<secret> <secret>")]
    [InlineData("longest first", "abcdef-long", "<secret>")]
    [InlineData("absent", "nothing here", "nothing here")]
    public void Redact_ReplacesSecretValues(string name, string text, string expected)
    {
        _ = name;

        Assert.Equal(expected, new Redactor(["abcdef", "abcdef-long", ""]).Redact(text));
    }

    [Theory]
    [InlineData("GUARDIA_API_TOKEN", true)]
    [InlineData("guardia_anything", true)]
    [InlineData("SLACK_WEBHOOK_SECRET", true)]
    [InlineData("PGPASSWORD", true)]
    [InlineData("MY_API_KEY", true)]
    [InlineData("HOME", false)]
    [InlineData("PATH", false)]
    public void LooksSecret_ClassifiesEnvironmentNames(string name, bool secret) =>
        Assert.Equal(secret, Redactor.LooksSecret(name));

    [Fact]
    public void Finish_NeverShowsPartOfSecret_AtTheLimit()
    {
        var secret = "SECRET-VALUE-0123456789";
        using var capture = new OutputCapture(limit: 30, slack: secret.Length);
        var raw = new string('a', 20) + secret + new string('b', 50);
        capture.Append(raw);

        var (output, truncated, sha) = capture.Finish(new Redactor([secret]));

        Assert.True(truncated);
        Assert.Equal(new string('a', 20) + "<secret>bb", output);
        Assert.Equal(Steps.Sha256(raw), sha);
    }

    [Fact]
    public void Finish_DropsCutMultibyteCharacter()
    {
        using var capture = new OutputCapture(limit: 3, slack: 0);
        capture.Append(Encoding.UTF8.GetBytes("añb"));

        Assert.Equal("añ", capture.Finish(new Redactor([])).Output);

        using var cut = new OutputCapture(limit: 2, slack: 0);
        cut.Append(Encoding.UTF8.GetBytes("añb"));
        Assert.Equal("a", cut.Finish(new Redactor([])).Output);
    }
}
