using Guardia.Core.Alerts;

namespace Guardia.Core.Tests.Alerts;

public sealed class FingerprintTests
{
    [Fact]
    public void Fingerprint_IsFnvOffset_WhenLabelSetIsEmpty()
    {
        Assert.Equal("cbf29ce484222325", LabelSet.Empty.Fingerprint.ToString());
    }

    [Fact]
    public void Fingerprint_IgnoresInputOrder()
    {
        var a = LabelSet.Of(("b", "2"), ("a", "1"));
        var b = LabelSet.Of(("a", "1"), ("b", "2"));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, LabelSet.Of(("a", "1"), ("b", "3")).Fingerprint);
    }
}
