using Guardia.Core.Alerts;
using Guardia.Core.Routing;

namespace Guardia.Core.Notify;

/// <summary>Everything a stage may know about one flush of an aggregation group.</summary>
public sealed record Flush(string GroupKey, string Receiver, LabelSet GroupLabels, DateTimeOffset Now, RouteOptions Options);
