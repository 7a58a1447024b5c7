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
    public void ReadSegment_ReturnsWhatWriteAlertWrote(string name, Alert alert)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var timed = alert with
        {
            StartsAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567),
            EndsAt = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero),
            Timeout = true,
        };
        AlertCodec.WriteCount(2, buffer);
        AlertCodec.WriteAlert(timed, buffer);
        AlertCodec.WriteAlert(alert, buffer);
        var read = AlertCodec.ReadSegment(buffer.WrittenSpan, new LabelStringPool());
        Assert.Equal(2, read.Count);
        Assert.True(timed == read[0], name);
        Assert.Equal(alert, read[1]);
    }

    [Fact]
    public void ReadSegment_ThrowsInvalidData_WhenTruncatedAnywhere()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AlertCodec.WriteCount(1, buffer);
        AlertCodec.WriteAlert(new Alert { Labels = LabelSet.Of(("alertname", new string('x', 300))), GeneratorUrl = "http://x" }, buffer);
        var whole = buffer.WrittenSpan.ToArray();
        for (var cut = 0; cut < whole.Length; cut++)
        {
            var truncated = whole[..cut];
            Assert.Throws<InvalidDataException>(() => AlertCodec.ReadSegment(truncated, new LabelStringPool()));
        }
    }

    [Fact]
    public void ReadSegment_ThrowsInvalidData_WhenTheFingerprintDoesNotMatchTheLabels()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AlertCodec.WriteCount(1, buffer);
        AlertCodec.WriteAlert(new Alert { Labels = LabelSet.Of(("alertname", "A")) }, buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        bytes[^3] ^= 0x01; // flip a bit in the label value
        Assert.Throws<InvalidDataException>(() => AlertCodec.ReadSegment(bytes, new LabelStringPool()));
    }
}
