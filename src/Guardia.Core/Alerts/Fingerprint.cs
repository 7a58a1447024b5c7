using System.Globalization;

namespace Guardia.Core.Alerts;

/// <summary>The 64-bit identity of a label set, computed exactly as Prometheus and Alertmanager compute it.</summary>
public readonly record struct Fingerprint(ulong Value) : IComparable<Fingerprint>
{
    /// <summary>Formats the fingerprint as 16 lowercase hex digits, as Alertmanager's API does.</summary>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses the 16-hex-digit form; returns false for anything else.</summary>
    public static bool TryParse(string? text, out Fingerprint fingerprint)
    {
        if (text is not null && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            fingerprint = new Fingerprint(v);
            return true;
        }
        fingerprint = default;
        return false;
    }

    /// <summary>Orders fingerprints as Alertmanager orders them in API listings (by their hex text, i.e. numerically).</summary>
    public int CompareTo(Fingerprint other) => Value.CompareTo(other.Value);

    public static bool operator <(Fingerprint left, Fingerprint right) => left.Value < right.Value;

    public static bool operator >(Fingerprint left, Fingerprint right) => left.Value > right.Value;

    public static bool operator <=(Fingerprint left, Fingerprint right) => left.Value <= right.Value;

    public static bool operator >=(Fingerprint left, Fingerprint right) => left.Value >= right.Value;
}
