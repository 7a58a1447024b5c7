using Guardia.Core.Access;

namespace Guardia.Server.Api.V1.Access;

/// <summary>The per-sender ingestion tokens in force; swapped whole when the settings file is (re)loaded.</summary>
sealed class IngestionTokenSettings
{
    AccessConfig _current = AccessConfig.Default;

    /// <summary>The configuration in force.</summary>
    public AccessConfig Current => Volatile.Read(ref _current);

    /// <summary>Puts <paramref name="config"/> in force for the next request.</summary>
    public void Update(AccessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Volatile.Write(ref _current, config);
    }

    /// <summary>The sender whose token is <paramref name="presented"/>, or null. Every configured token is compared,
    /// in constant time, so the answer time does not tell which one almost matched.</summary>
    public string? SenderOf(string? presented)
    {
        if (presented is null)
        {
            return null;
        }
        string? sender = null;
        foreach (var t in Current.IngestionTokens)
        {
            if (ApiTokens.FixedTimeEquals(t.Token.Value, presented))
            {
                sender ??= t.Sender;
            }
        }
        return sender;
    }
}
