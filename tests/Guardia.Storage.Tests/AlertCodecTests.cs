using System.Buffers;
using Guardia.Core.Alerts;

namespace Guardia.Storage.Tests;

public sealed class AlertCodecTests
{
    public static IEnumerable<TheoryDataRow<string, Alert>> Alerts =>
    [
        new("plain", new Alert { Labels = LabelSet.Of(("alertname", "A")) }),
        new("unicode and escapes", new Alert
        {
            Labels = LabelSet.Of(("alertname", "Información"), ("emoji", "🚨⚠️"), ("nl", "a\nb\"c\\")),
            Annotations = LabelSet.Of(("summary", "Base de datos caída")),
            GeneratorUrl = "http://prometheus/graph?g0.expr=up%3D%3D0",
        }),
        new("long value (multi-byte varint)", new Alert { Labels = LabelSet.Of(("alertname", new string('x', 70_000))) }),
    ];

    [Theory]
    [MemberData(nameof(Alerts))]
    public void ReadBody_ReturnsWhatWriteBodyWrote(string name, Alert alert)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AlertCodec.WriteBody(alert, buffer);
        var (labels, annotations, url) = AlertCodec.ReadBody(buffer.WrittenSpan, new LabelStringPool());
        Assert.True(alert.Labels.Equals(labels), name);
        Assert.Equal(alert.Annotations, annotations);
        Assert.Equal(alert.GeneratorUrl, url);
    }

    [Fact]
    public void ReadBody_Throws_WhenBodyIsTruncated()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AlertCodec.WriteBody(new Alert { Labels = LabelSet.Of(("alertname", new string('x', 300))) }, buffer);
        var truncated = buffer.WrittenSpan[..2].ToArray();
        Assert.ThrowsAny<Exception>(() => AlertCodec.ReadBody(truncated, new LabelStringPool()));
    }
}
