using System.Globalization;
using System.Text.RegularExpressions;
using Guardia.Core.TimeIntervals;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Configuration;

/// <summary>Renders a loaded configuration back to YAML in Alertmanager's field order, with secrets as <c>&lt;secret&gt;</c>.</summary>
/// <remarks>Like Alertmanager's <c>/api/v2/status</c>, the output is the resolved configuration: defaults and values
/// inherited from <c>global</c> are written out, and empty optional fields are left out.</remarks>
static partial class ConfigYamlWriter
{
    [GeneratedRegex(@"^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex NonString();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Base60();

    public static string Write(AlertmanagerConfig config)
    {
        var root = new YamlMappingNode();
        root.Add("global", Global(config.Global));
        root.Add("route", Route(config.Route));
        if (config.InhibitRules.Count > 0)
        {
            root.Add("inhibit_rules", Seq(config.InhibitRules.Select(InhibitRule)));
        }
        root.Add("receivers", Seq(config.Receivers.Select(Receiver)));
        root.Add("templates", Seq(config.Templates.Select(Str)));
        if (config.MuteTimeIntervals.Count > 0)
        {
            root.Add("mute_time_intervals", Seq(config.MuteTimeIntervals.Select(Interval)));
        }
        if (config.TimeIntervals.Count > 0)
        {
            root.Add("time_intervals", Seq(config.TimeIntervals.Select(Interval)));
        }
        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream closes the document with "...", which Alertmanager's output does not have.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    static YamlMappingNode Global(GlobalConfig g)
    {
        var m = new YamlMappingNode();
        m.Add("resolve_timeout", PromDuration.Format(g.ResolveTimeout));
        m.Add("http_config", Http(g.HttpConfig));
        Opt(m, "smtp_from", g.SmtpFrom);
        Opt(m, "smtp_hello", g.SmtpHello);
        Opt(m, "smtp_smarthost", g.SmtpSmarthost);
        Opt(m, "smtp_auth_username", g.SmtpAuthUsername);
        Opt(m, "smtp_auth_password", g.SmtpAuthPassword);
        Opt(m, "smtp_auth_password_file", g.SmtpAuthPasswordFile);
        Opt(m, "smtp_auth_secret", g.SmtpAuthSecret);
        Opt(m, "smtp_auth_identity", g.SmtpAuthIdentity);
        m.Add("smtp_require_tls", Bool(g.SmtpRequireTls));
        Opt(m, "slack_api_url", g.SlackApiUrl);
        Opt(m, "slack_api_url_file", g.SlackApiUrlFile);
        Opt(m, "pagerduty_url", g.PagerdutyUrl);
        Opt(m, "opsgenie_api_url", g.OpsgenieApiUrl);
        Opt(m, "opsgenie_api_key", g.OpsgenieApiKey);
        Opt(m, "opsgenie_api_key_file", g.OpsgenieApiKeyFile);
        Opt(m, "wechat_api_url", g.WechatApiUrl);
        Opt(m, "wechat_api_secret", g.WechatApiSecret);
        Opt(m, "wechat_api_corp_id", g.WechatApiCorpId);
        Opt(m, "victorops_api_url", g.VictoropsApiUrl);
        Opt(m, "victorops_api_key", g.VictoropsApiKey);
        Opt(m, "victorops_api_key_file", g.VictoropsApiKeyFile);
        Opt(m, "telegram_api_url", g.TelegramApiUrl);
        Opt(m, "webex_api_url", g.WebexApiUrl);
        return m;
    }

    static YamlMappingNode Http(HttpClientConfig h)
    {
        var m = new YamlMappingNode();
        if (h.BasicAuth is { } b)
        {
            var bm = new YamlMappingNode();
            Opt(bm, "username", b.Username);
            Opt(bm, "password", b.Password);
            Opt(bm, "password_file", b.PasswordFile);
            m.Add("basic_auth", bm);
        }
        if (h.Authorization is { } a)
        {
            var am = new YamlMappingNode();
            Opt(am, "type", a.Type);
            Opt(am, "credentials", a.Credentials);
            Opt(am, "credentials_file", a.CredentialsFile);
            m.Add("authorization", am);
        }
        if (h.OAuth2 is { } o)
        {
            var om = new YamlMappingNode();
            Opt(om, "client_id", o.ClientId);
            Opt(om, "client_secret", o.ClientSecret);
            Opt(om, "client_secret_file", o.ClientSecretFile);
            if (o.Scopes.Count > 0)
            {
                om.Add("scopes", Seq(o.Scopes.Select(Str)));
            }
            Opt(om, "token_url", o.TokenUrl);
            if (o.EndpointParams.Count > 0)
            {
                om.Add("endpoint_params", Map(o.EndpointParams));
            }
            m.Add("oauth2", om);
        }
        Opt(m, "bearer_token", h.BearerToken);
        Opt(m, "bearer_token_file", h.BearerTokenFile);
        Opt(m, "proxy_url", h.ProxyUrl);
        if (h.TlsConfig != new TlsConfig())
        {
            m.Add("tls_config", Tls(h.TlsConfig));
        }
        m.Add("follow_redirects", Bool(h.FollowRedirects));
        m.Add("enable_http2", Bool(h.EnableHttp2));
        return m;
    }

    static YamlMappingNode Tls(TlsConfig t)
    {
        var m = new YamlMappingNode();
        Opt(m, "ca_file", t.CaFile);
        Opt(m, "cert_file", t.CertFile);
        Opt(m, "key_file", t.KeyFile);
        Opt(m, "server_name", t.ServerName);
        m.Add("insecure_skip_verify", Bool(t.InsecureSkipVerify));
        Opt(m, "min_version", t.MinVersion);
        return m;
    }

    static YamlMappingNode Route(RouteConfig r)
    {
        var m = new YamlMappingNode();
        Opt(m, "receiver", r.Receiver);
        if (r.GroupByAll)
        {
            m.Add("group_by", Seq([Str("...")]));
        }
        else if (r.GroupBy is { } g)
        {
            m.Add("group_by", Seq(g.Select(Str)));
        }
        if (r.Match.Count > 0)
        {
            m.Add("match", Map(r.Match));
        }
        if (r.MatchRe.Count > 0)
        {
            m.Add("match_re", Map(r.MatchRe));
        }
        if (r.Matchers.Count > 0)
        {
            m.Add("matchers", Seq(r.Matchers.Select(x => Str(x.ToString()))));
        }
        if (r.MuteTimeIntervals.Count > 0)
        {
            m.Add("mute_time_intervals", Seq(r.MuteTimeIntervals.Select(Str)));
        }
        if (r.ActiveTimeIntervals.Count > 0)
        {
            m.Add("active_time_intervals", Seq(r.ActiveTimeIntervals.Select(Str)));
        }
        m.Add("continue", Bool(r.Continue));
        if (r.Routes.Count > 0)
        {
            m.Add("routes", Seq(r.Routes.Select(Route)));
        }
        OptDuration(m, "group_wait", r.GroupWait);
        OptDuration(m, "group_interval", r.GroupInterval);
        OptDuration(m, "repeat_interval", r.RepeatInterval);
        return m;
    }

    static YamlMappingNode InhibitRule(InhibitRuleConfig r)
    {
        var m = new YamlMappingNode();
        if (r.SourceMatch.Count > 0)
        {
            m.Add("source_match", Map(r.SourceMatch));
        }
        if (r.SourceMatchRe.Count > 0)
        {
            m.Add("source_match_re", Map(r.SourceMatchRe));
        }
        if (r.SourceMatchers.Count > 0)
        {
            m.Add("source_matchers", Seq(r.SourceMatchers.Select(x => Str(x.ToString()))));
        }
        if (r.TargetMatch.Count > 0)
        {
            m.Add("target_match", Map(r.TargetMatch));
        }
        if (r.TargetMatchRe.Count > 0)
        {
            m.Add("target_match_re", Map(r.TargetMatchRe));
        }
        if (r.TargetMatchers.Count > 0)
        {
            m.Add("target_matchers", Seq(r.TargetMatchers.Select(x => Str(x.ToString()))));
        }
        if (r.Equal.Count > 0)
        {
            m.Add("equal", Seq(r.Equal.Select(Str)));
        }
        return m;
    }

    static YamlMappingNode Receiver(ReceiverConfig r)
    {
        var m = new YamlMappingNode { { "name", Str(r.Name) } };
        if (r.EmailConfigs.Count > 0)
        {
            m.Add("email_configs", Seq(r.EmailConfigs.Select(Email)));
        }
        if (r.PagerDutyConfigs.Count > 0)
        {
            m.Add("pagerduty_configs", Seq(r.PagerDutyConfigs.Select(PagerDuty)));
        }
        if (r.SlackConfigs.Count > 0)
        {
            m.Add("slack_configs", Seq(r.SlackConfigs.Select(Slack)));
        }
        if (r.WebhookConfigs.Count > 0)
        {
            m.Add("webhook_configs", Seq(r.WebhookConfigs.Select(Webhook)));
        }
        if (r.MSTeamsConfigs.Count > 0)
        {
            m.Add("msteams_configs", Seq(r.MSTeamsConfigs.Select(Teams)));
        }
        return m;
    }

    static YamlMappingNode Email(EmailConfig e)
    {
        var m = new YamlMappingNode { { "send_resolved", Bool(e.SendResolved) } };
        Opt(m, "to", e.To);
        Opt(m, "from", e.From);
        Opt(m, "hello", e.Hello);
        Opt(m, "smarthost", e.Smarthost);
        Opt(m, "auth_username", e.AuthUsername);
        Opt(m, "auth_password", e.AuthPassword);
        Opt(m, "auth_password_file", e.AuthPasswordFile);
        Opt(m, "auth_secret", e.AuthSecret);
        Opt(m, "auth_identity", e.AuthIdentity);
        m.Add("headers", Map(e.Headers));
        Opt(m, "html", e.Html);
        Opt(m, "text", e.Text);
        m.Add("require_tls", Bool(e.RequireTls));
        if (e.TlsConfig != new TlsConfig())
        {
            m.Add("tls_config", Tls(e.TlsConfig));
        }
        return m;
    }

    static YamlMappingNode PagerDuty(PagerDutyConfig p)
    {
        var m = new YamlMappingNode { { "send_resolved", Bool(p.SendResolved) }, { "http_config", Http(p.HttpConfig) } };
        Opt(m, "service_key", p.ServiceKey);
        Opt(m, "service_key_file", p.ServiceKeyFile);
        Opt(m, "routing_key", p.RoutingKey);
        Opt(m, "routing_key_file", p.RoutingKeyFile);
        Opt(m, "url", p.Url);
        Opt(m, "client", p.Client);
        Opt(m, "client_url", p.ClientUrl);
        Opt(m, "description", p.Description);
        m.Add("details", Map(p.Details));
        if (p.Images.Count > 0)
        {
            m.Add("images", Seq(p.Images.Select(i => Fields(("src", i.Src), ("alt", i.Alt), ("href", i.Href)))));
        }
        if (p.Links.Count > 0)
        {
            m.Add("links", Seq(p.Links.Select(l => Fields(("href", l.Href), ("text", l.Text)))));
        }
        Opt(m, "source", p.Source);
        Opt(m, "severity", p.Severity);
        Opt(m, "class", p.Class);
        Opt(m, "component", p.Component);
        Opt(m, "group", p.Group);
        return m;
    }

    static YamlMappingNode Slack(SlackConfig s)
    {
        var m = new YamlMappingNode { { "send_resolved", Bool(s.SendResolved) }, { "http_config", Http(s.HttpConfig) } };
        Opt(m, "api_url", s.ApiUrl);
        Opt(m, "api_url_file", s.ApiUrlFile);
        Opt(m, "channel", s.Channel);
        Opt(m, "username", s.Username);
        Opt(m, "color", s.Color);
        Opt(m, "title", s.Title);
        Opt(m, "title_link", s.TitleLink);
        Opt(m, "pretext", s.Pretext);
        Opt(m, "text", s.Text);
        if (s.Fields.Count > 0)
        {
            m.Add("fields", Seq(s.Fields.Select(f =>
            {
                var fm = Fields(("title", f.Title), ("value", f.Value));
                if (f.IsShort is { } sh)
                {
                    fm.Add("short", Bool(sh));
                }
                return fm;
            })));
        }
        m.Add("short_fields", Bool(s.ShortFields));
        Opt(m, "footer", s.Footer);
        Opt(m, "fallback", s.Fallback);
        Opt(m, "callback_id", s.CallbackId);
        Opt(m, "icon_emoji", s.IconEmoji);
        Opt(m, "icon_url", s.IconUrl);
        Opt(m, "image_url", s.ImageUrl);
        Opt(m, "thumb_url", s.ThumbUrl);
        m.Add("link_names", Bool(s.LinkNames));
        if (s.MrkdwnIn.Count > 0)
        {
            m.Add("mrkdwn_in", Seq(s.MrkdwnIn.Select(Str)));
        }
        if (s.Actions.Count > 0)
        {
            m.Add("actions", Seq(s.Actions.Select(a =>
            {
                var am = Fields(("type", a.Type), ("text", a.Text), ("url", a.Url), ("style", a.Style), ("name", a.Name), ("value", a.Value));
                if (a.ConfirmField is { } c)
                {
                    am.Add("confirm", Fields(("text", c.Text), ("title", c.Title), ("ok_text", c.OkText), ("dismiss_text", c.DismissText)));
                }
                return am;
            })));
        }
        return m;
    }

    static YamlMappingNode Webhook(WebhookConfig w)
    {
        var m = new YamlMappingNode { { "send_resolved", Bool(w.SendResolved) }, { "http_config", Http(w.HttpConfig) } };
        Opt(m, "url", w.Url);
        Opt(m, "url_file", w.UrlFile);
        m.Add("max_alerts", Int(w.MaxAlerts));
        return m;
    }

    static YamlMappingNode Teams(MSTeamsConfig t)
    {
        var m = new YamlMappingNode { { "send_resolved", Bool(t.SendResolved) }, { "http_config", Http(t.HttpConfig) } };
        Opt(m, "webhook_url", t.WebhookUrl);
        Opt(m, "webhook_url_file", t.WebhookUrlFile);
        Opt(m, "title", t.Title);
        Opt(m, "summary", t.Summary);
        Opt(m, "text", t.Text);
        return m;
    }

    static YamlMappingNode Interval(TimeIntervalConfig c)
    {
        var m = new YamlMappingNode { { "name", Str(c.Name) } };
        m.Add("time_intervals", Seq(c.TimeIntervals.Select(i =>
        {
            var im = new YamlMappingNode();
            if (i.Times is { } times)
            {
                im.Add("times", Seq(times.Select(t => Fields(("start_time", TimeRange.FormatMinute(t.StartMinute)), ("end_time", TimeRange.FormatMinute(t.EndMinute))))));
            }
            if (i.Weekdays is { } w)
            {
                im.Add("weekdays", Flow(w.Select(r => r.ToWeekdayString())));
            }
            if (i.DaysOfMonth is { } d)
            {
                im.Add("days_of_month", Flow(d.Select(r => r.ToString())));
            }
            if (i.Months is { } mo)
            {
                im.Add("months", Flow(mo.Select(r => r.ToString())));
            }
            if (i.Years is { } y)
            {
                im.Add("years", Flow(y.Select(r => r.ToString())));
            }
            if (i.Location is { } loc)
            {
                im.Add("location", Str(loc.Id));
            }
            return im;
        })));
        return m;
    }

    static YamlMappingNode Fields(params (string Key, string Value)[] fields)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in fields)
        {
            Opt(m, k, v);
        }
        return m;
    }

    static YamlMappingNode Map(IReadOnlyDictionary<string, string> map)
    {
        var m = new YamlMappingNode();
        foreach (var k in map.Keys.Order(StringComparer.Ordinal))
        {
            m.Add(Str(k), Str(map[k]));
        }
        return m;
    }

    static YamlSequenceNode Seq(IEnumerable<YamlNode> items) => new(items);

    static YamlSequenceNode Flow(IEnumerable<string> items) => new(items.Select(Str)) { Style = SequenceStyle.Flow };

    static void Opt(YamlMappingNode m, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            m.Add(key, Str(value));
        }
    }

    static void Opt(YamlMappingNode m, string key, Secret? value)
    {
        if (value is not null)
        {
            m.Add(key, new YamlScalarNode(Secret.Redacted));
        }
    }

    static void OptDuration(YamlMappingNode m, string key, TimeSpan? value)
    {
        if (value is { } v)
        {
            m.Add(key, PromDuration.Format(v));
        }
    }

    static YamlScalarNode Bool(bool b) => new(b ? "true" : "false");

    static YamlScalarNode Int(int i) => new(i.ToString(CultureInfo.InvariantCulture));

    /// <summary>Chooses the scalar style Go's yaml.v2 encoder would: double quotes for text that would read back as
    /// a number, bool, null or sexagesimal value, a literal block for multi-line text, otherwise plain when the
    /// emitter allows it and single quotes when it does not.</summary>
    static YamlScalarNode Str(string s)
    {
        var style = NonString().IsMatch(s) || Base60().IsMatch(s) || s.Length == 0
            ? ScalarStyle.DoubleQuoted
            : s.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any;
        return new YamlScalarNode(s) { Style = style };
    }
}
