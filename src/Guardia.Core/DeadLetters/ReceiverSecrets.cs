using Guardia.Core.Configuration;

namespace Guardia.Core.DeadLetters;

/// <summary>The secret values of a receiver's configuration and their redaction from texts shown to people.</summary>
public static class ReceiverSecrets
{
    /// <summary>Every secret value a receiver's integrations use: URLs with tokens, routing and service keys, passwords, bearer tokens.</summary>
    public static IReadOnlyList<string> Of(ReceiverConfig receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var values = new List<string>();
        foreach (var c in receiver.SlackConfigs)
        {
            Add(values, c.ApiUrl);
            AddHttp(values, c.HttpConfig);
        }
        foreach (var c in receiver.PagerDutyConfigs)
        {
            Add(values, c.RoutingKey);
            Add(values, c.ServiceKey);
            AddHttp(values, c.HttpConfig);
        }
        foreach (var c in receiver.MSTeamsConfigs)
        {
            Add(values, c.WebhookUrl);
            AddHttp(values, c.HttpConfig);
        }
        foreach (var c in receiver.EmailConfigs)
        {
            Add(values, c.AuthPassword);
            Add(values, c.AuthSecret);
        }
        foreach (var c in receiver.WebhookConfigs)
        {
            AddHttp(values, c.HttpConfig);
        }
        return values;
    }

    /// <summary>Replaces every occurrence of each secret value in <paramref name="text"/> with <c>&lt;secret&gt;</c>, longest first.</summary>
    public static string Redact(string text, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var s in secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            text = text.Replace(s, Secret.Redacted, StringComparison.Ordinal);
        }
        return text;
    }

    static void AddHttp(List<string> values, HttpClientConfig http)
    {
        Add(values, http.BearerToken);
        Add(values, http.BasicAuth?.Password);
        Add(values, http.Authorization?.Credentials);
        Add(values, http.OAuth2?.ClientSecret);
    }

    static void Add(List<string> values, Secret? secret)
    {
        if (secret is { Value.Length: > 0 })
        {
            values.Add(secret.Value);
        }
    }
}
