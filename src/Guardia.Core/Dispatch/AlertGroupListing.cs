using Guardia.Core.Alerts;
using Guardia.Core.Routing;

namespace Guardia.Core.Dispatch;

/// <summary>One aggregation group as the API lists it: the route's receiver, the group labels and its alerts.</summary>
public sealed record AlertGroupView(Route Route, LabelSet Labels, IReadOnlyList<Alert> Alerts)
{
    /// <summary>The receiver of the group's route.</summary>
    public string Receiver => Route.Options.Receiver;
}

/// <summary>Groups alerts by route and group labels, the way Alertmanager's dispatcher aggregates them.</summary>
public static class AlertGroupListing
{
    /// <summary>Builds the groups of <paramref name="alerts"/> under <paramref name="root"/>, sorted as Alertmanager sorts them.</summary>
    /// <param name="alerts">The alerts to group.</param>
    /// <param name="root">The routing tree.</param>
    /// <param name="include">Filter applied per alert and route, e.g. receiver and label filters.</param>
    public static List<AlertGroupView> Build(IEnumerable<Alert> alerts, Route root, Func<Alert, Route, bool>? include = null)
    {
        var groups = new Dictionary<(Route, Fingerprint), (LabelSet Labels, List<Alert> Alerts)>();
        foreach (var alert in alerts)
        {
            foreach (var route in root.Match(alert.Labels))
            {
                if (include is not null && !include(alert, route))
                {
                    continue;
                }
                var labels = route.GroupLabels(alert.Labels);
                var key = (route, labels.Fingerprint);
                if (!groups.TryGetValue(key, out var group))
                {
                    group = (labels, []);
                    groups[key] = group;
                }
                group.Alerts.Add(alert);
            }
        }
        var result = new List<AlertGroupView>(groups.Count);
        foreach (var ((route, _), (labels, list)) in groups)
        {
            list.Sort(AlertOrder.Instance);
            result.Add(new AlertGroupView(route, labels, list));
        }
        result.Sort(static (a, b) =>
        {
            if (a.Labels.Equals(b.Labels))
            {
                return string.CompareOrdinal(a.Receiver, b.Receiver);
            }
            return a.Labels.Before(b.Labels) ? -1 : b.Labels.Before(a.Labels) ? 1 : 0;
        });
        return result;
    }
}
