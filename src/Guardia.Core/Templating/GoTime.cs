using System.Globalization;
using System.Text;

namespace Guardia.Core.Templating;

/// <summary>A Go <c>time.Time</c> for templates: an instant with a zone name, printed and formatted as Go does.</summary>
/// <param name="Value">The instant and its UTC offset.</param>
/// <param name="ZoneName">The zone abbreviation Go prints for <c>MST</c> (<c>UTC</c>, <c>-05</c>...); empty prints the numeric offset.</param>
public sealed record GoTime(DateTimeOffset Value, string ZoneName) : ITemplateObject
{
    /// <summary>Wraps an instant, naming the zone <c>UTC</c> when its offset is zero (Go's UTC location).</summary>
    public static GoTime From(DateTimeOffset value) => new(value, value.Offset == TimeSpan.Zero ? "UTC" : string.Empty);

    /// <summary>Go's <c>time.Time</c> default layout.</summary>
    public const string DefaultLayout = "2006-01-02 15:04:05.999999999 -0700 MST";

    /// <inheritdoc/>
    public string TemplateTypeName => "time.Time";

    /// <summary>Formats as Go's <c>Time.String</c>.</summary>
    public override string ToString() => Format(DefaultLayout);

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Format" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 1, "Format");
                return Format(TemplateArgs.GetString(args, 0));
            }),
            "String" => (TemplateFunction)(_ => ToString()),
            "UTC" => (TemplateFunction)(_ => From(Value.ToUniversalTime())),
            "Unix" => (TemplateFunction)(_ => Value.ToUnixTimeSeconds()),
            "UnixMilli" => (TemplateFunction)(_ => Value.ToUnixTimeMilliseconds()),
            "IsZero" => (TemplateFunction)(_ => Value.UtcDateTime == DateTime.MinValue),
            "Year" => (TemplateFunction)(_ => (long)Value.Year),
            "Day" => (TemplateFunction)(_ => (long)Value.Day),
            "Hour" => (TemplateFunction)(_ => (long)Value.Hour),
            "Minute" => (TemplateFunction)(_ => (long)Value.Minute),
            "Second" => (TemplateFunction)(_ => (long)Value.Second),
            _ => null,
        };
        return value is not null;
    }

    static readonly string[] LongMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    /// <summary>Formats with a Go reference-time layout such as <c>2006-01-02T15:04:05Z07:00</c>.</summary>
    public string Format(string layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var t = Value;
        var sb = new StringBuilder();
        var i = 0;
        while (i < layout.Length)
        {
            var rest = layout.AsSpan(i);
            if (rest.StartsWith("January")) { sb.Append(LongMonths[t.Month - 1]); i += 7; continue; }
            if (rest.StartsWith("Jan")) { sb.Append(LongMonths[t.Month - 1].AsSpan(0, 3)); i += 3; continue; }
            if (rest.StartsWith("Monday")) { sb.Append(LongDays[(int)t.DayOfWeek]); i += 6; continue; }
            if (rest.StartsWith("Mon")) { sb.Append(LongDays[(int)t.DayOfWeek].AsSpan(0, 3)); i += 3; continue; }
            if (rest.StartsWith("MST")) { sb.Append(ZoneName.Length > 0 ? ZoneName : Offset(t.Offset, "-0700")); i += 3; continue; }
            if (rest.StartsWith("2006")) { sb.Append(t.Year.ToString("D4", CultureInfo.InvariantCulture)); i += 4; continue; }
            if (rest.StartsWith("002")) { sb.Append(t.DayOfYear.ToString("D3", CultureInfo.InvariantCulture)); i += 3; continue; }
            if (rest.StartsWith("01")) { sb.Append(Two(t.Month)); i += 2; continue; }
            if (rest.StartsWith("02")) { sb.Append(Two(t.Day)); i += 2; continue; }
            if (rest.StartsWith("03")) { sb.Append(Two(Hour12(t.Hour))); i += 2; continue; }
            if (rest.StartsWith("04")) { sb.Append(Two(t.Minute)); i += 2; continue; }
            if (rest.StartsWith("05")) { sb.Append(Two(t.Second)); i += 2; continue; }
            if (rest.StartsWith("06")) { sb.Append(Two(t.Year % 100)); i += 2; continue; }
            if (rest.StartsWith("15")) { sb.Append(Two(t.Hour)); i += 2; continue; }
            if (rest.StartsWith("__2")) { sb.Append(t.DayOfYear.ToString(CultureInfo.InvariantCulture).PadLeft(3)); i += 3; continue; }
            if (rest.StartsWith("_2") && !rest.StartsWith("_2006")) { sb.Append(t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)); i += 2; continue; }
            if (rest.StartsWith("PM")) { sb.Append(t.Hour >= 12 ? "PM" : "AM"); i += 2; continue; }
            if (rest.StartsWith("pm")) { sb.Append(t.Hour >= 12 ? "pm" : "am"); i += 2; continue; }
            var matched = false;
            foreach (var (std, shape, z) in ZoneLayouts)
            {
                if (rest.StartsWith(std))
                {
                    sb.Append(z && t.Offset == TimeSpan.Zero ? "Z" : Offset(t.Offset, shape));
                    i += std.Length;
                    matched = true;
                    break;
                }
            }
            if (matched)
            {
                continue;
            }
            var c = layout[i];
            if (c is '.' or ',' && i + 1 < layout.Length && layout[i + 1] is '0' or '9')
            {
                var digit = layout[i + 1];
                var j = i + 1;
                while (j < layout.Length && layout[j] == digit)
                {
                    j++;
                }
                if (j >= layout.Length || !char.IsAsciiDigit(layout[j]))
                {
                    var n = j - (i + 1);
                    var nanos = (t.Ticks % TimeSpan.TicksPerSecond) * 100;
                    var frac = nanos.ToString("D9", CultureInfo.InvariantCulture)[..Math.Min(n, 9)].PadRight(n, '0');
                    if (digit == '9')
                    {
                        frac = frac.TrimEnd('0');
                        if (frac.Length > 0)
                        {
                            sb.Append(c).Append(frac);
                        }
                    }
                    else
                    {
                        sb.Append(c).Append(frac);
                    }
                    i = j;
                    continue;
                }
            }
            if (c == '1') { sb.Append(t.Month.ToString(CultureInfo.InvariantCulture)); i++; continue; }
            if (c == '2') { sb.Append(t.Day.ToString(CultureInfo.InvariantCulture)); i++; continue; }
            if (c == '3') { sb.Append(Hour12(t.Hour).ToString(CultureInfo.InvariantCulture)); i++; continue; }
            if (c == '4') { sb.Append(t.Minute.ToString(CultureInfo.InvariantCulture)); i++; continue; }
            if (c == '5') { sb.Append(t.Second.ToString(CultureInfo.InvariantCulture)); i++; continue; }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    static readonly (string Std, string Shape, bool Z)[] ZoneLayouts =
    [
        ("Z07:00:00", "-07:00:00", true), ("-07:00:00", "-07:00:00", false),
        ("Z070000", "-070000", true), ("-070000", "-070000", false),
        ("Z07:00", "-07:00", true), ("-07:00", "-07:00", false),
        ("Z0700", "-0700", true), ("-0700", "-0700", false),
        ("Z07", "-07", true), ("-07", "-07", false),
    ];

    static int Hour12(int h) => h % 12 == 0 ? 12 : h % 12;

    static string Two(int v) => v.ToString("D2", CultureInfo.InvariantCulture);

    static string Offset(TimeSpan offset, string shape)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        var hh = Two(abs.Hours);
        var mm = Two(abs.Minutes);
        var ss = Two(abs.Seconds);
        return shape switch
        {
            "-07" => $"{sign}{hh}",
            "-0700" => $"{sign}{hh}{mm}",
            "-07:00" => $"{sign}{hh}:{mm}",
            "-070000" => $"{sign}{hh}{mm}{ss}",
            _ => $"{sign}{hh}:{mm}:{ss}",
        };
    }

    /// <summary>Formats a duration as Go's <c>time.Duration.String</c> (<c>1h2m3.5s</c>, <c>150ms</c>, <c>0s</c>).</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var nanos = duration.Ticks * 100;
        if (nanos == 0)
        {
            return "0s";
        }
        var negative = nanos < 0;
        var u = negative ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        string text;
        if (u < 1_000_000_000UL)
        {
            (string unit, ulong div) = u < 1000UL ? ("ns", 1UL) : u < 1_000_000UL ? ("µs", 1000UL) : ("ms", 1_000_000UL);
            text = Fraction(u, div) + unit;
        }
        else
        {
            var secondsPart = Fraction(u % 60_000_000_000UL, 1_000_000_000UL) + "s";
            var totalMinutes = u / 60_000_000_000UL;
            if (totalMinutes == 0)
            {
                text = secondsPart;
            }
            else
            {
                var minutes = totalMinutes % 60;
                var hours = totalMinutes / 60;
                text = hours > 0
                    ? $"{hours.ToString(CultureInfo.InvariantCulture)}h{minutes.ToString(CultureInfo.InvariantCulture)}m{secondsPart}"
                    : $"{minutes.ToString(CultureInfo.InvariantCulture)}m{secondsPart}";
            }
        }
        return negative ? "-" + text : text;
    }

    static string Fraction(ulong v, ulong div)
    {
        var whole = (v / div).ToString(CultureInfo.InvariantCulture);
        var rem = v % div;
        if (rem == 0)
        {
            return whole;
        }
        var digits = div.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rem.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
