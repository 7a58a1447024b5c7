namespace Guardia.Core.Templating.Prometheus;

/// <summary>Expands alerting-rule labels and annotations as Prometheus does, with <c>$labels</c>, <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c>.</summary>
public static class RuleAnnotationTemplate
{
    // Prometheus prepends these definitions to every annotation and label template of an alerting rule.
    const string Prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    /// <summary>Expands <paramref name="text"/>; errors come back in the text as Prometheus returns them (<c>&lt;error expanding template: ...&gt;</c>).</summary>
    /// <param name="ruleName">The alerting rule's name; the template is named <c>__alert_</c> + this name.</param>
    /// <param name="text">The annotation or label template.</param>
    /// <param name="labels">The alert's labels.</param>
    /// <param name="externalLabels">Prometheus's external labels.</param>
    /// <param name="externalUrl">Prometheus's external URL.</param>
    /// <param name="value">The sample value.</param>
    public static string Expand(string ruleName, string text, IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> externalLabels, string externalUrl, double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = "__alert_" + ruleName;
        try
        {
            // Prometheus executes rule templates with missingkey=zero: a missing label prints as the empty string.
            var set = new TemplateSet { MissingKey = MissingKey.Zero };
            set.AddFunctions(PrometheusFunctions.Create(externalUrl), PrometheusFunctions.Signatures);
            set.Parse(name, Prelude + text);
            var data = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Labels"] = labels,
                ["ExternalLabels"] = externalLabels,
                ["ExternalURL"] = externalUrl,
                ["Value"] = value,
            };
            return set.Execute(name, data);
        }
        catch (TemplateException e)
        {
            var message = e.Message.Contains("executing", StringComparison.Ordinal)
                ? $"error executing template {name}: {e.Message}"
                : $"error parsing template {name}: {e.Message}";
            return $"<error expanding template: {message}>";
        }
    }
}
