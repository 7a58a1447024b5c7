using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Guardia.Core.Access;

/// <summary>Creates API tokens and authenticates the secrets presented with requests.</summary>
/// <remarks>A secret is <c>gdu_</c> followed by 32 random bytes in base64url; only its SHA-256 hash is stored,
/// so a copy of the database does not yield usable tokens. 256 random bits make the hash lookup safe without a
/// salt or a slow hash: there is nothing to guess.</remarks>
public sealed class ApiTokens(IApiTokenStore store, TimeProvider time)
{
    /// <summary>The prefix of every secret, so scanners and people recognise a Guardia token.</summary>
    public const string Prefix = "gdu_";

    static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>Creates a token named <paramref name="name"/>; the secret is returned once and never stored.</summary>
    /// <exception cref="ApiTokenException">The name is invalid or already taken.</exception>
    public async Task<(ApiToken Token, string Secret)> CreateAsync(string name, Role role, CancellationToken ct)
    {
        if (ValidateName(name) is { } error)
        {
            throw new ApiTokenException(error);
        }
        if (!Enum.IsDefined(role))
        {
            throw new ApiTokenException($"unknown role {(int)role}");
        }
        var secret = NewSecret();
        var token = new ApiToken
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Name = name,
            Role = role,
            CreatedAt = time.GetUtcNow(),
        };
        await store.AddAsync(token, Hash(secret), ct).ConfigureAwait(false);
        return (token, secret);
    }

    /// <summary>The valid (known, not revoked) token whose secret is <paramref name="secret"/>, or null.</summary>
    public async Task<ApiToken?> AuthenticateAsync(string? secret, CancellationToken ct)
    {
        if (!LooksLikeSecret(secret))
        {
            return null;
        }
        var hash = Hash(secret!);
        var token = await store.FindByHashAsync(hash, ct).ConfigureAwait(false);
        if (token is null || token.IsRevoked)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (token.LastUsedAt is null || now - token.LastUsedAt.Value >= TouchInterval)
        {
            // Throttled: a write (and fsync) per request would cost more than the request itself.
            await store.TouchAsync(token.Id, now, ct).ConfigureAwait(false);
        }
        return token;
    }

    /// <summary>A new random secret: <c>gdu_</c> and 43 base64url characters.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lower-case hex SHA-256 of the secret's UTF-8 bytes, as stored.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Compares two secrets (or hashes) in time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        // Hashing first makes the lengths equal, so not even the length leaks.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
    }

    /// <summary>Why <paramref name="name"/> cannot name a token, or null when it can.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a token needs a name (--name), e.g. grafana or ana.lopez";
        }
        if (name.Length > 64)
        {
            return $"token names are at most 64 characters, \"{name[..16]}…\" has {name.Length}";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
            {
                return $"token name \"{name}\" may contain only letters, digits, '.', '-', '_' and '@'";
            }
        }
        return null;
    }

    static bool LooksLikeSecret(string? secret) =>
        secret is { Length: > 4 and <= 256 } && secret.StartsWith(Prefix, StringComparison.Ordinal);
}
