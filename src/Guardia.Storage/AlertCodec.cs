using System.Buffers;
using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Storage;

/// <summary>Encodes alerts into compact blobs, and back.</summary>
/// <remarks>A segment is a varint count followed by alerts; an alert is its fingerprint (8 bytes), start,
/// end and update times as varint UTC ticks, a timeout flag byte, then its body. A body is the labels, the
/// annotations (each a varint count of pairs, each string a varint UTF-8 length and the bytes) and the
/// generator URL as one string.</remarks>
public static class AlertCodec
{
    /// <summary>Appends one alert (fingerprint, times, flag and body) to <paramref name="buffer"/>.</summary>
    public static void WriteAlert(Alert alert, ArrayBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(8 + 30 + 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(span, alert.Fingerprint.Value);
        var n = 8;
        n += WriteVarint64To(Ticks(alert.StartsAt), span[n..]);
        n += WriteVarint64To(Ticks(alert.EndsAt), span[n..]);
        n += WriteVarint64To(Ticks(alert.UpdatedAt), span[n..]);
        span[n++] = alert.Timeout ? (byte)1 : (byte)0;
        buffer.Advance(n);
        WriteBody(alert, buffer);
    }

    /// <summary>Writes the alert count of a segment; alerts follow through <see cref="WriteAlert"/>.</summary>
    public static void WriteCount(int count, ArrayBufferWriter<byte> buffer) => WriteVarint((uint)count, buffer);

    /// <summary>Reads every alert of a segment, in the order they were written.</summary>
    public static List<Alert> ReadSegment(ReadOnlySpan<byte> segment, LabelStringPool pool)
    {
        var count = (int)ReadVarint(ref segment);
        var result = new List<Alert>(count);
        for (var i = 0; i < count; i++)
        {
            if (segment.Length < 9)
            {
                throw new InvalidDataException("Corrupt alert segment: truncated alert.");
            }
            var fp = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(segment);
            segment = segment[8..];
            var starts = FromTicks(ReadVarint64(ref segment));
            var ends = FromTicks(ReadVarint64(ref segment));
            var updated = FromTicks(ReadVarint64(ref segment));
            if (segment.IsEmpty)
            {
                throw new InvalidDataException("Corrupt alert segment: truncated alert.");
            }
            var timeout = segment[0] != 0;
            segment = segment[1..];
            var labels = ReadSet(ref segment, pool);
            var annotations = ReadSet(ref segment, pool);
            var url = ReadString(ref segment, pool);
            var alert = new Alert
            {
                Labels = labels,
                Annotations = annotations,
                GeneratorUrl = url.Length == 0 ? null : url,
                StartsAt = starts,
                EndsAt = ends,
                UpdatedAt = updated,
                Timeout = timeout,
            };
            if (alert.Fingerprint.Value != fp)
            {
                throw new InvalidDataException($"Corrupt alert segment: fingerprint {fp:x16} does not match its labels.");
            }
            result.Add(alert);
        }
        return result;
    }

    static ulong Ticks(DateTimeOffset t) => t == default ? 0 : (ulong)t.UtcTicks;

    static DateTimeOffset FromTicks(ulong ticks) => ticks == 0 ? default : new DateTimeOffset((long)ticks, TimeSpan.Zero);

    static int WriteVarint64To(ulong v, Span<byte> span)
    {
        var i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[i++] = (byte)v;
        return i;
    }

    static ulong ReadVarint64(ref ReadOnlySpan<byte> body)
    {
        ulong v = 0;
        var shift = 0;
        for (var i = 0; ; i++)
        {
            if (i >= body.Length || shift > 63)
            {
                throw new InvalidDataException("Corrupt alert segment: truncated varint.");
            }
            var b = body[i];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                body = body[(i + 1)..];
                return v;
            }
            shift += 7;
        }
    }

    static void WriteBody(Alert alert, ArrayBufferWriter<byte> buffer)
    {
        WriteSet(alert.Labels, buffer);
        WriteSet(alert.Annotations, buffer);
        WriteString(alert.GeneratorUrl ?? string.Empty, buffer);
    }

    static void WriteSet(LabelSet set, ArrayBufferWriter<byte> buffer)
    {
        WriteVarint((uint)set.Count, buffer);
        for (var i = 0; i < set.Count; i++)
        {
            WriteString(set.NameAt(i), buffer);
            WriteString(set.ValueAt(i), buffer);
        }
    }

    static void WriteString(string s, ArrayBufferWriter<byte> buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var span = buffer.GetSpan(max + 5);
        var n = Encoding.UTF8.GetBytes(s, span[5..]);
        var header = VarintLength((uint)n);
        // Write the length first, then move the bytes next to it (they were encoded after a 5-byte gap).
        WriteVarintTo((uint)n, span);
        if (header != 5)
        {
            span.Slice(5, n).CopyTo(span[header..]);
        }
        buffer.Advance(header + n);
    }

    static LabelSet ReadSet(ref ReadOnlySpan<byte> body, LabelStringPool pool)
    {
        var count = (int)ReadVarint(ref body);
        if (count == 0)
        {
            return LabelSet.Empty;
        }
        var pairs = new string[count * 2];
        for (var i = 0; i < pairs.Length; i += 2)
        {
            var name = ReadPooled(ref body, pool, null, out var valuePool);
            pairs[i] = name;
            pairs[i + 1] = ReadPooled(ref body, pool, valuePool, out _);
        }
        return LabelSet.FromSortedPairs(pairs);
    }

    /// <summary>Reads a name (when <paramref name="valuesOf"/> is null, returning its value pool) or a value of a name.</summary>
    static string ReadPooled(ref ReadOnlySpan<byte> body, LabelStringPool pool, LabelStringPool.ValuePool? valuesOf, out LabelStringPool.ValuePool? valuePool)
    {
        valuePool = null;
        var n = (int)ReadVarint(ref body);
        if (n > body.Length)
        {
            throw new InvalidDataException("Corrupt alert body: string runs past the end.");
        }
        var bytes = body[..n];
        body = body[n..];
        if (n > 256)
        {
            return Encoding.UTF8.GetString(bytes);
        }
        Span<char> chars = stackalloc char[256];
        var c = Encoding.UTF8.GetChars(bytes, chars);
        if (valuesOf is null)
        {
            valuePool = pool.ForName(chars[..c]);
            return valuePool?.Name ?? new string(chars[..c]);
        }
        return pool.Value(valuesOf, chars[..c]);
    }

    static string ReadString(ref ReadOnlySpan<byte> body, LabelStringPool? pool)
    {
        var n = (int)ReadVarint(ref body);
        if (n > body.Length)
        {
            throw new InvalidDataException("Corrupt alert body: string runs past the end.");
        }
        var bytes = body[..n];
        body = body[n..];
        if (pool is null || n > 256)
        {
            return Encoding.UTF8.GetString(bytes);
        }
        Span<char> chars = stackalloc char[256];
        var c = Encoding.UTF8.GetChars(bytes, chars);
        return pool.Value(pool.ForName("__url__"), chars[..c]);
    }

    static int VarintLength(uint v)
    {
        var n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }
        return n;
    }

    static void WriteVarint(uint v, ArrayBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(5);
        buffer.Advance(WriteVarintTo(v, span));
    }

    static int WriteVarintTo(uint v, Span<byte> span) => WriteVarint64To(v, span);

    static uint ReadVarint(ref ReadOnlySpan<byte> body)
    {
        var v = ReadVarint64(ref body);
        return v <= int.MaxValue ? (uint)v : throw new InvalidDataException("Corrupt alert segment: length out of range.");
    }
}
