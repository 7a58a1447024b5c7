using Guardia.Core.Access;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>API tokens in the <c>api_tokens</c> table. The CLI and the server may use the file at the same time (WAL).</summary>
public sealed class SqliteApiTokenStore : IApiTokenStore, IDisposable
{
    const int SqliteConstraint = 19;
    readonly SqliteConnection _connection;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>) and owns it.</summary>
    public SqliteApiTokenStore(SqliteConnection connection) => _connection = connection;

    /// <inheritdoc/>
    public async Task AddAsync(ApiToken token, string secretHash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO api_tokens (id, name, role, secret_hash, created_at, last_used_at, revoked_at)
                VALUES ($id, $name, $role, $hash, $created, NULL, NULL);
                """;
            cmd.Parameters.AddWithValue("$id", token.Id);
            cmd.Parameters.AddWithValue("$name", token.Name);
            cmd.Parameters.AddWithValue("$role", (int)token.Role);
            cmd.Parameters.AddWithValue("$hash", secretHash);
            cmd.Parameters.AddWithValue("$created", token.CreatedAt.ToUnixTimeMilliseconds());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new ApiTokenException($"a token named \"{token.Name}\" already exists; revoke it first or choose another name", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken ct)
    {
        var found = await QueryAsync("SELECT * FROM api_tokens WHERE secret_hash = $p;", secretHash, ct).ConfigureAwait(false);
        // The index finds the row; the final comparison is constant-time all the same (see ApiTokens).
        return found.Count == 1 && ApiTokens.FixedTimeEquals(found[0].Hash, secretHash) ? found[0].Token : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken ct) =>
        [.. (await QueryAsync("SELECT * FROM api_tokens ORDER BY created_at, id;", null, ct).ConfigureAwait(false)).Select(r => r.Token)];

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string idOrName, DateTimeOffset at, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "UPDATE api_tokens SET revoked_at = $at WHERE (id = $p OR name = $p) AND revoked_at IS NULL;";
            cmd.Parameters.AddWithValue("$p", idOrName);
            cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task TouchAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "UPDATE api_tokens SET last_used_at = $at WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<List<(ApiToken Token, string Hash)>> QueryAsync(string sql, string? parameter, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            if (parameter is not null)
            {
                cmd.Parameters.AddWithValue("$p", parameter);
            }
            var list = new List<(ApiToken, string)>();
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var lastUsed = reader.GetOrdinal("last_used_at");
                var revoked = reader.GetOrdinal("revoked_at");
                list.Add((new ApiToken
                {
                    Id = reader.GetString(reader.GetOrdinal("id")),
                    Name = reader.GetString(reader.GetOrdinal("name")),
                    Role = (Role)reader.GetInt32(reader.GetOrdinal("role")),
                    CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("created_at"))),
                    LastUsedAt = reader.IsDBNull(lastUsed) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(lastUsed)),
                    RevokedAt = reader.IsDBNull(revoked) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(revoked)),
                }, reader.GetString(reader.GetOrdinal("secret_hash"))));
            }
            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}
