using System.Text;

namespace Guardia.Core.Runbooks;

/// <summary>Repairs text whose UTF-8 bytes were decoded as Latin-1, Windows-1252 or Mac Roman
/// ("InformaciÃ³n", "Informaci√≥n" become "Información").</summary>
public static class TextRepair
{
    static readonly UTF8Encoding StrictUtf8 = new(false, true);
    static readonly Lazy<Dictionary<char, byte>> Windows1252 = new(BuildWindows1252);
    static readonly Lazy<Encoding> MacRoman = new(() => CodePagesEncodingProvider.Instance.GetEncoding(10000, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
        ?? throw new InvalidOperationException("Mac Roman (code page 10000) is not available"));

    /// <summary>Returns the repaired text and how it had been mis-decoded ("Latin-1/Windows-1252", "Mac Roman"),
    /// or the text unchanged and null when it looks right. Whole-text repair is tried first, then line by line.</summary>
    public static (string Text, string? RepairedFrom) Repair(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? from = null;
        // Text mis-decoded twice needs two passes; three is plenty.
        for (var pass = 0; pass < 3; pass++)
        {
            var (fixedText, how) = RepairOnce(text);
            if (how is null)
            {
                break;
            }
            text = fixedText;
            from = from is null ? how : from + ", then " + how;
        }
        if (from is not null)
        {
            return (text, from);
        }
        var lines = text.Split('\n');
        var changed = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var (fixedLine, how) = RepairOnce(lines[i]);
            if (how is not null)
            {
                lines[i] = fixedLine;
                from ??= how;
                changed++;
            }
        }
        return changed == 0 ? (text, null) : (string.Join('\n', lines), $"{from} ({changed} lines)");
    }

    static (string Text, string? How) RepairOnce(string text)
    {
        if (text.All(c => c < 0x80))
        {
            return (text, null);
        }
        if (TryWindows1252(text) is { } a && Better(a, text))
        {
            return (a, "UTF-8 read as Latin-1/Windows-1252");
        }
        if (TryMacRoman(text) is { } b && Better(b, text))
        {
            return (b, "UTF-8 read as Mac Roman");
        }
        return (text, null);
    }

    // A successful strict UTF-8 decode of the re-encoded bytes that makes the text shorter means multi-byte
    // sequences collapsed back into characters; correctly decoded Spanish never re-encodes into valid UTF-8.
    static bool Better(string candidate, string original) => candidate.Length < original.Length;

    static string? TryWindows1252(string text)
    {
        var map = Windows1252.Value;
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                bytes[i] = (byte)c;
            }
            else if (map.TryGetValue(c, out var b))
            {
                bytes[i] = b;
            }
            else if (c <= 0xFF)
            {
                // Latin-1, and the five bytes Windows-1252 leaves undefined, which decoders pass through as C1 controls.
                bytes[i] = (byte)c;
            }
            else
            {
                return null;
            }
        }
        return Decode(bytes);
    }

    static string? TryMacRoman(string text)
    {
        byte[] bytes;
        try
        {
            bytes = MacRoman.Value.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
        return Decode(bytes);
    }

    static string? Decode(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    static Dictionary<char, byte> BuildWindows1252()
    {
        var enc = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? throw new InvalidOperationException("Windows-1252 is not available");
        var map = new Dictionary<char, byte>();
        for (var b = 0x80; b <= 0x9F; b++)
        {
            var s = enc.GetString([(byte)b]);
            if (s.Length == 1 && s[0] > 0xFF)
            {
                map[s[0]] = (byte)b;
            }
        }
        return map;
    }
}
