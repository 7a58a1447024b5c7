namespace Guardia.Server.Cli;

/// <summary>Parses Prometheus-style durations given on the command line (<c>90s</c>, <c>1h30m</c>, <c>5d</c>).</summary>
static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || !long.TryParse(text.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            TimeSpan? unit = text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(1),
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                "w" => TimeSpan.FromDays(7),
                "y" => TimeSpan.FromDays(365),
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }
            value += unit.Value * n;
        }
        return true;
    }
}
