using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Guardia.Core.Incidents;

/// <summary>What a valid acknowledge token says.</summary>
public sealed record AckTokenClaims(string IncidentId, string UserId, DateTimeOffset ExpiresAt);

/// <summary>Acknowledge tokens for the links in pages: HMAC-SHA256 signed, expiring, bound to one incident and one user.</summary>
/// <remarks>Format: <c>base64url(v1 \n incident \n user \n expiry-unix-ms) "." base64url(hmac)</c>. The key is the caller's
/// (at least 32 bytes); rotating it invalidates every outstanding link.</remarks>
public static class AckTokens
{
    const string Version = "v1";
    const int MinKeyBytes = 32;
    const int MaxTokenChars = 2048;

    /// <summary>Creates a token that acknowledges <paramref name="incidentId"/> as <paramref name="userId"/> until <paramref name="expiresAt"/>.</summary>
    /// <exception cref="ArgumentException">The key is shorter than 32 bytes, or an id is empty or contains a line break.</exception>
    public static string Create(ReadOnlySpan<byte> key, string incidentId, string userId, DateTimeOffset expiresAt)
    {
        CheckKey(key);
        CheckId(incidentId, nameof(incidentId));
        CheckId(userId, nameof(userId));
        var payload = Encoding.UTF8.GetBytes(string.Join('\n', Version, incidentId, userId,
            expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        var mac = HMACSHA256.HashData(key, payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Verifies <paramref name="token"/>: signature, format and expiry at <paramref name="now"/>.</summary>
    public static bool TryVerify(ReadOnlySpan<byte> key, string? token, DateTimeOffset now, out AckTokenClaims? claims)
    {
        claims = null;
        CheckKey(key);
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenChars)
        {
            return false;
        }
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            return false;
        }
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(key, payload);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        if (parts.Length != 4 || parts[0] != Version
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (now >= expires)
        {
            return false;
        }
        claims = new AckTokenClaims(parts[1], parts[2], expires);
        return true;
    }

    /// <summary>Verifies <paramref name="token"/> and that it was issued for <paramref name="incidentId"/>; returns the user it acknowledges as.</summary>
    public static bool TryVerify(ReadOnlySpan<byte> key, string? token, string incidentId, DateTimeOffset now, out string? userId)
    {
        userId = null;
        if (!TryVerify(key, token, now, out var claims) || claims!.IncidentId != incidentId)
        {
            return false;
        }
        userId = claims.UserId;
        return true;
    }

    static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"the acknowledge token key must be at least {MinKeyBytes} bytes", nameof(key));
        }
    }

    static void CheckId(string id, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(id, name);
        if (id.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("ids in acknowledge tokens cannot contain line breaks", name);
        }
    }
}
