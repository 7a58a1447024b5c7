using System.Text.RegularExpressions;
using Guardia.Core.Alerts;
using Microsoft.Extensions.Primitives;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>The <c>filter</c> and <c>receiver</c> parameters of an alert listing.</summary>
sealed class AlertQuery
{
    readonly Regex? _receiver;

    AlertQuery(Regex? receiver, string? error)
    {
        _receiver = receiver;
        Error = error;
    }

    public string? Error { get; }

    public static AlertQuery Create(StringValues filters, string receiver)
    {
        if (filters.Count > 0)
        {
            return new AlertQuery(null, "filter matchers are not available yet");
        }
        Regex? re = null;
        if (!string.IsNullOrEmpty(receiver))
        {
            try
            {
                // Alertmanager anchors the receiver regex; the non-backtracking engine keeps it linear-time.
                re = new Regex("^(?:" + receiver + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                return new AlertQuery(null, $"failed to parse receiver param: {ex.Message}");
            }
        }
        return new AlertQuery(re, null);
    }

    public bool MatchesReceivers(IReadOnlyList<string> receivers)
    {
        if (_receiver is null)
        {
            return true;
        }
        foreach (var r in receivers)
        {
            if (_receiver.IsMatch(r))
            {
                return true;
            }
        }
        return false;
    }

    public bool MatchesLabels(LabelSet labels) => labels.Count >= 0;
}
