using Guardia.Core.Configuration;

namespace Guardia.Core.Access;

/// <summary>The <c>api:</c> section of Guardia's settings file.</summary>
public sealed record AccessConfig
{
    /// <summary>No ingestion tokens: <c>POST /api/v2/alerts</c> stays open, as Alertmanager's is.</summary>
    public static AccessConfig Default { get; } = new();

    /// <summary>Per-sender tokens; when any is set, alert ingestion requires one of them as a bearer token.</summary>
    public IReadOnlyList<IngestionToken> IngestionTokens { get; init; } = [];
}

/// <summary>A bearer token one sender (a Prometheus, Grafana, amtool) presents when it posts alerts.</summary>
public sealed record IngestionToken(string Sender, Secret Token);
