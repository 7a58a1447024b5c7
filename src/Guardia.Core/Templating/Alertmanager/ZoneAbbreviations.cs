using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;

namespace Guardia.Core.Templating.Alertmanager;

/// <summary>Finds the tzdata abbreviation (<c>CET</c>, <c>PST</c>, <c>-05</c>) Go prints for a zone, which .NET does not expose.</summary>
/// <remarks>Reads the same compiled tzdata (TZif) files Go and .NET read; when none is found the numeric form is used.</remarks>
static class ZoneAbbreviations
{
    static readonly string[] ZoneInfoRoots = ["/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo"];
    static readonly ConcurrentDictionary<string, ZoneData?> Cache = new(StringComparer.Ordinal);

    sealed record ZoneData(long[] Transitions, byte[] TypeIndexes, (int Offset, bool Dst, string Abbreviation)[] Types, string? StdName, string? DstName);

    public static string For(string zoneId, DateTimeOffset instant, bool isDaylight)
    {
        var data = Cache.GetOrAdd(zoneId, Load);
        if (data is null || data.Types.Length == 0)
        {
            return Numeric(instant.Offset);
        }
        var seconds = instant.ToUnixTimeSeconds();
        var last = data.Transitions.Length - 1;
        if (data.Transitions.Length > 0 && seconds >= data.Transitions[last] && (data.StdName is not null))
        {
            return (isDaylight ? data.DstName : data.StdName) ?? data.StdName;
        }
        var index = Array.BinarySearch(data.Transitions, seconds);
        if (index < 0)
        {
            index = ~index - 1;
        }
        var type = index < 0 ? data.Types[0] : data.Types[data.TypeIndexes[index]];
        return type.Offset == (int)instant.Offset.TotalSeconds ? type.Abbreviation : Numeric(instant.Offset);
    }

    /// <summary>Go's form for an unnamed zone: <c>-05</c>, or <c>+0530</c> when minutes are needed.</summary>
    public static string Numeric(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        var hours = abs.Hours.ToString("D2", CultureInfo.InvariantCulture);
        return abs.Minutes == 0 ? $"{sign}{hours}" : $"{sign}{hours}{abs.Minutes.ToString("D2", CultureInfo.InvariantCulture)}";
    }

    static ZoneData? Load(string zoneId)
    {
        if (zoneId.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(zoneId))
        {
            return null;
        }
        foreach (var root in ZoneInfoRoots)
        {
            var path = Path.Combine(root, zoneId);
            if (File.Exists(path))
            {
                try
                {
                    return Parse(File.ReadAllBytes(path));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or IndexOutOfRangeException)
                {
                    return null;
                }
            }
        }
        return null;
    }

    static ZoneData? Parse(byte[] b)
    {
        if (b.Length < 44 || b[0] != 'T' || b[1] != 'Z' || b[2] != 'i' || b[3] != 'f')
        {
            return null;
        }
        var version = b[4];
        var pos = 0;
        var (data, end) = ParseBlock(b, pos, timeSize: 4);
        if (version < '2')
        {
            return data;
        }
        (data, end) = ParseBlock(b, end, timeSize: 8);
        string? std = null, dst = null;
        if (end < b.Length && b[end] == '\n')
        {
            var footerEnd = Array.IndexOf(b, (byte)'\n', end + 1);
            if (footerEnd > end)
            {
                (std, dst) = ParsePosixNames(System.Text.Encoding.ASCII.GetString(b, end + 1, footerEnd - end - 1));
            }
        }
        return data with { StdName = std, DstName = dst };
    }

    static (ZoneData Data, int End) ParseBlock(byte[] b, int start, int timeSize)
    {
        int Count(int i) => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(start + 20 + (i * 4)));
        int isutcnt = Count(0), isstdcnt = Count(1), leapcnt = Count(2), timecnt = Count(3), typecnt = Count(4), charcnt = Count(5);
        var p = start + 44;
        var transitions = new long[timecnt];
        for (var i = 0; i < timecnt; i++, p += timeSize)
        {
            transitions[i] = timeSize == 4 ? BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(p)) : BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(p));
        }
        var indexes = b.AsSpan(p, timecnt).ToArray();
        p += timecnt;
        var raw = new (int Offset, bool Dst, int AbbrIndex)[typecnt];
        for (var i = 0; i < typecnt; i++, p += 6)
        {
            raw[i] = (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(p)), b[p + 4] != 0, b[p + 5]);
        }
        var chars = b.AsSpan(p, charcnt).ToArray();
        p += charcnt;
        var types = raw.Select(r =>
        {
            var endIndex = Array.IndexOf(chars, (byte)0, r.AbbrIndex);
            var abbreviation = System.Text.Encoding.ASCII.GetString(chars, r.AbbrIndex, (endIndex < 0 ? chars.Length : endIndex) - r.AbbrIndex);
            return (r.Offset, r.Dst, abbreviation);
        }).ToArray();
        p += (leapcnt * (timeSize + 4)) + isstdcnt + isutcnt;
        return (new ZoneData(transitions, indexes, types, null, null), p);
    }

    // A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" or "<-05>5" names the standard and daylight abbreviations.
    static (string? Std, string? Dst) ParsePosixNames(string tz)
    {
        var i = 0;
        var std = ReadName(tz, ref i);
        if (std is null)
        {
            return (null, null);
        }
        while (i < tz.Length && (char.IsAsciiDigit(tz[i]) || tz[i] is '+' or '-' or ':'))
        {
            i++;
        }
        var dst = i < tz.Length && tz[i] != ',' ? ReadName(tz, ref i) : null;
        return (std, dst);
    }

    static string? ReadName(string tz, ref int i)
    {
        if (i < tz.Length && tz[i] == '<')
        {
            var close = tz.IndexOf('>', i);
            if (close < 0)
            {
                return null;
            }
            var quoted = tz[(i + 1)..close];
            i = close + 1;
            return quoted;
        }
        var start = i;
        while (i < tz.Length && char.IsAsciiLetter(tz[i]))
        {
            i++;
        }
        return i - start >= 3 ? tz[start..i] : null;
    }
}
