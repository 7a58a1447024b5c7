using System.Globalization;
using System.Numerics;
using System.Text;

namespace Guardia.Core.Templating.Internal;

/// <summary>Formats float64 values exactly as Go's strconv.FormatFloat does for the 'e', 'f' and 'g' formats.</summary>
static class GoFloat
{
    /// <summary>Formats <paramref name="value"/> with <paramref name="format"/> ('e', 'E', 'f', 'g', 'G') and precision (-1 = shortest).</summary>
    public static string Format(double value, char format, int precision)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        var shortest = precision < 0;
        string digits;
        int dp;
        if (shortest)
        {
            (digits, dp) = ShortestDigits(Math.Abs(value));
            precision = format switch
            {
                'e' or 'E' => Math.Max(digits.Length - 1, 0),
                'f' => Math.Max(digits.Length - dp, 0),
                _ => digits.Length,
            };
        }
        else
        {
            (digits, dp) = ExactDigits(Math.Abs(value));
            var round = format switch
            {
                'e' or 'E' => precision + 1,
                'f' => dp + precision,
                _ => precision == 0 ? 1 : precision,
            };
            if (format is 'g' or 'G' && precision == 0)
            {
                precision = 1;
            }
            (digits, dp) = Round(digits, dp, round);
        }
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        switch (format)
        {
            case 'e' or 'E':
                FormatE(sb, digits, dp, precision, format);
                break;
            case 'f':
                FormatF(sb, digits, dp, precision);
                break;
            default:
                var eprec = precision;
                if (eprec > digits.Length && digits.Length >= dp)
                {
                    eprec = digits.Length;
                }
                if (shortest)
                {
                    eprec = 6;
                }
                var exp = dp - 1;
                if (exp < -4 || exp >= eprec)
                {
                    if (precision > digits.Length)
                    {
                        precision = digits.Length;
                    }
                    FormatE(sb, digits, dp, precision - 1, format == 'g' ? 'e' : 'E');
                }
                else
                {
                    if (precision > dp)
                    {
                        precision = digits.Length;
                    }
                    FormatF(sb, digits, dp, Math.Max(precision - dp, 0));
                }
                break;
        }
        return sb.ToString();
    }

    static void FormatE(StringBuilder sb, string d, int dp, int prec, char fmt)
    {
        sb.Append(d.Length == 0 ? '0' : d[0]);
        if (prec > 0)
        {
            sb.Append('.');
            var i = 1;
            var m = Math.Min(d.Length, prec + 1);
            if (i < m)
            {
                sb.Append(d, i, m - i);
                i = m;
            }
            for (; i <= prec; i++)
            {
                sb.Append('0');
            }
        }
        sb.Append(fmt);
        var exp = d.Length == 0 ? 0 : dp - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10)
        {
            sb.Append('0');
        }
        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    static void FormatF(StringBuilder sb, string d, int dp, int prec)
    {
        if (dp > 0)
        {
            var m = Math.Min(d.Length, dp);
            sb.Append(d, 0, m);
            for (; m < dp; m++)
            {
                sb.Append('0');
            }
        }
        else
        {
            sb.Append('0');
        }
        if (prec > 0)
        {
            sb.Append('.');
            for (var i = 1; i <= prec; i++)
            {
                var j = dp + i - 1;
                sb.Append(j >= 0 && j < d.Length ? d[j] : '0');
            }
        }
    }

    // Digits without trailing zeros and the decimal point position: value = 0.digits × 10^dp.
    static (string Digits, int Dp) ShortestDigits(double v)
    {
        if (v == 0)
        {
            return (string.Empty, 0);
        }
        // "R" yields the shortest round-tripping digits, which is what Go's shortest mode computes.
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        var exp = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var point = s.IndexOf('.', StringComparison.Ordinal);
        var intLen = point < 0 ? s.Length : point;
        var digits = s.Replace(".", string.Empty, StringComparison.Ordinal);
        var dp = intLen + exp;
        var lead = 0;
        while (lead < digits.Length && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..].TrimEnd('0');
        dp -= lead;
        return (digits, dp);
    }

    static (string Digits, int Dp) ExactDigits(double v)
    {
        if (v == 0)
        {
            return (string.Empty, 0);
        }
        var bits = BitConverter.DoubleToInt64Bits(v);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }
        exponent -= 1075;
        string digits;
        int dp;
        if (exponent >= 0)
        {
            digits = (new BigInteger(mantissa) << exponent).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length;
        }
        else
        {
            digits = (new BigInteger(mantissa) * BigInteger.Pow(5, -exponent)).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length + exponent;
        }
        var trimmed = digits.TrimEnd('0');
        return (trimmed, dp);
    }

    // Rounds to nd digits, halfway cases to even, as Go's decimal.Round does.
    static (string Digits, int Dp) Round(string d, int dp, int nd)
    {
        if (nd < 0 || nd >= d.Length)
        {
            return (d, dp);
        }
        bool up;
        if (d[nd] == '5' && nd + 1 == d.Length)
        {
            up = nd > 0 && (d[nd - 1] - '0') % 2 == 1;
        }
        else
        {
            up = d[nd] >= '5';
        }
        if (!up)
        {
            return (d[..nd].TrimEnd('0'), dp);
        }
        var chars = d[..nd].ToCharArray();
        var i = nd - 1;
        while (i >= 0 && chars[i] == '9')
        {
            i--;
        }
        if (i < 0)
        {
            return ("1", dp + 1);
        }
        chars[i]++;
        return (new string(chars, 0, i + 1), dp);
    }
}
