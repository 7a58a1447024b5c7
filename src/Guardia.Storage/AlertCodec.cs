using System.Buffers;
using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Storage;

/// <summary>Encodes an alert's labels, annotations and generator URL into one compact blob, and back.</summary>
/// <remarks>Layout: varint count, then per string a varint UTF-8 length and the bytes; labels, then
/// annotations, then the generator URL as a one-string list. One blob per row keeps inserts cheap.</remarks>
public static class AlertCodec
{
    /// <summary>Writes the body of <paramref name="alert"/> into <paramref name="buffer"/>.</summary>
    public static void WriteBody(Alert alert, ArrayBufferWriter<byte> buffer)
    {
        WriteSet(alert.Labels, buffer);
        WriteSet(alert.Annotations, buffer);
        WriteString(alert.GeneratorUrl ?? string.Empty, buffer);
    }

    /// <summary>Reads a body written by <see cref="WriteBody"/>.</summary>
    public static (LabelSet Labels, LabelSet Annotations, string? GeneratorUrl) ReadBody(ReadOnlySpan<byte> body, LabelStringPool pool)
    {
        var labels = ReadSet(ref body, pool);
        var annotations = ReadSet(ref body, pool);
        var url = ReadString(ref body, null);
        return (labels, annotations, url.Length == 0 ? null : url);
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
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = ReadString(ref body, pool);
        }
        return LabelSet.FromSortedPairs(pairs);
    }

    static string ReadString(ref ReadOnlySpan<byte> body, LabelStringPool? pool)
    {
        var n = (int)ReadVarint(ref body);
        var bytes = body[..n];
        body = body[n..];
        if (pool is null || n > 256)
        {
            return Encoding.UTF8.GetString(bytes);
        }
        Span<char> chars = stackalloc char[n];
        var c = Encoding.UTF8.GetChars(bytes, chars);
        return pool.Get(chars[..c]);
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

    static int WriteVarintTo(uint v, Span<byte> span)
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

    static uint ReadVarint(ref ReadOnlySpan<byte> body)
    {
        uint v = 0;
        var shift = 0;
        for (var i = 0; ; i++)
        {
            if (i >= body.Length || shift > 28)
            {
                throw new InvalidDataException("Corrupt alert body: truncated varint.");
            }
            var b = body[i];
            v |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                body = body[(i + 1)..];
                return v;
            }
            shift += 7;
        }
    }
}
