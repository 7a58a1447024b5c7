namespace Guardia.Core.Access;

/// <summary>Durable API tokens, found by the SHA-256 hash of their secret.</summary>
public interface IApiTokenStore
{
    /// <summary>Stores a new token with the hash of its secret.</summary>
    /// <exception cref="ApiTokenException">A token with the same name already exists.</exception>
    Task AddAsync(ApiToken token, string secretHash, CancellationToken ct);

    /// <summary>The token whose secret hashes to <paramref name="secretHash"/> (revoked ones included), or null.</summary>
    Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken ct);

    /// <summary>Every token, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken ct);

    /// <summary>Revokes the token with this id or name; false when there is none or it was already revoked.</summary>
    Task<bool> RevokeAsync(string idOrName, DateTimeOffset at, CancellationToken ct);

    /// <summary>Records that the token authenticated a request at <paramref name="at"/>.</summary>
    Task TouchAsync(string id, DateTimeOffset at, CancellationToken ct);
}

/// <summary>A token operation that cannot be done, with a message for the person who asked.</summary>
public sealed class ApiTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiTokenException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ApiTokenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ApiTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
