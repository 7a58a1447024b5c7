using System.Text.RegularExpressions;
using Guardia.Core.Alerts;
using Guardia.Core.Matching;
using Microsoft.Extensions.Primitives;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>The <c>filter</c> and <c>receiver</c> parameters of an alert or group listing.</summary>
sealed class AlertQuery
{
    readonly Regex? _receiver;
    readonly List<Matcher> _matchers;

    AlertQuery(Regex? receiver, List<Matcher> matchers, string? error)
    {
        _receiver = receiver;
        _matchers = matchers;
        Error = error;
    }

    /// <summary>Why the parameters were refused, in Alertmanager's words; null when they are fine.</summary>
    public string? Error { get; }

    public static AlertQuery Create(StringValues filters, string receiver)
    {
        var matchers = new List<Matcher>();
        foreach (var f in filters)
        {
            if (string.IsNullOrEmpty(f))
            {
                continue;
            }
            try
            {
                matchers.AddRange(MatcherParser.Parse(f));
            }
            catch (MatcherException)
            {
                return new AlertQuery(null, [], $"bad matcher format: {f}");
            }
        }
        Regex? re = null;
        if (!string.IsNullOrEmpty(receiver))
        {
            try
            {
                // Alertmanager anchors the receiver regex; the non-backtracking engine keeps it linear-time.
                re = new Regex("^(?:" + receiver + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                return new AlertQuery(null, [], $"failed to parse receiver param: {ex.Message}");
            }
        }
        return new AlertQuery(re, matchers, null);
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

    public bool MatchesLabels(LabelSet labels)
    {
        foreach (var m in _matchers)
        {
            if (!m.Matches(labels.Get(m.Name)))
            {
                return false;
            }
        }
        return true;
    }
}
