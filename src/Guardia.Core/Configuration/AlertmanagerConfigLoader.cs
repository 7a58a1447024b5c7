using Guardia.Core.Alerts;
using Guardia.Core.Matching;
using Guardia.Core.TimeIntervals;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Configuration;

/// <summary>Loads Alertmanager configuration files unchanged, validating them as Alertmanager 0.25 does and reporting file:line:column.</summary>
public static class AlertmanagerConfigLoader
{
    static readonly string[] TopFields = ["global", "route", "inhibit_rules", "receivers", "templates", "mute_time_intervals", "time_intervals"];

    static readonly string[] GlobalFields =
    [
        "resolve_timeout", "http_config", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username", "smtp_auth_password",
        "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_identity", "smtp_require_tls", "slack_api_url", "slack_api_url_file", "pagerduty_url",
        "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret", "wechat_api_corp_id",
        "victorops_api_url", "victorops_api_key", "victorops_api_key_file", "telegram_api_url", "webex_api_url",
    ];

    static readonly string[] RouteFields =
    [
        "receiver", "group_by", "match", "match_re", "matchers", "mute_time_intervals", "active_time_intervals", "continue", "routes",
        "group_wait", "group_interval", "repeat_interval",
    ];

    static readonly string[] InhibitFields = ["source_match", "source_match_re", "source_matchers", "target_match", "target_match_re", "target_matchers", "equal"];

    static readonly string[] UnsupportedKinds =
        ["opsgenie_configs", "pushover_configs", "victorops_configs", "wechat_configs", "sns_configs", "telegram_configs", "discord_configs", "webex_configs"];

    static readonly string[] ReceiverFields =
        ["name", "webhook_configs", "slack_configs", "pagerduty_configs", "email_configs", "msteams_configs", .. UnsupportedKinds];

    static readonly string[] HttpFields =
    [
        "basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "proxy_url", "no_proxy", "proxy_from_environment",
        "proxy_connect_header", "tls_config", "follow_redirects", "enable_http2",
    ];

    static readonly string[] TlsFields = ["ca", "cert", "key", "ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version", "max_version"];

    static readonly string[] WebhookFields = ["send_resolved", "http_config", "url", "url_file", "max_alerts"];

    static readonly string[] SlackFields =
    [
        "send_resolved", "http_config", "api_url", "api_url_file", "channel", "username", "color", "title", "title_link", "pretext", "text",
        "fields", "short_fields", "footer", "fallback", "callback_id", "icon_emoji", "icon_url", "image_url", "thumb_url", "link_names",
        "mrkdwn_in", "actions",
    ];

    static readonly string[] PagerDutyFields =
    [
        "send_resolved", "http_config", "service_key", "service_key_file", "routing_key", "routing_key_file", "url", "client", "client_url",
        "description", "details", "images", "links", "source", "severity", "class", "component", "group",
    ];

    static readonly string[] EmailFields =
    [
        "send_resolved", "to", "from", "hello", "smarthost", "auth_username", "auth_password", "auth_password_file", "auth_secret", "auth_identity", "headers",
        "html", "text", "require_tls", "tls_config",
    ];

    static readonly string[] TeamsFields = ["send_resolved", "http_config", "webhook_url", "webhook_url_file", "title", "summary", "text"];

    static readonly string[] IntervalFields = ["times", "weekdays", "days_of_month", "months", "years", "location"];

    /// <summary>Reads and loads a configuration file; relative template paths resolve against its directory.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid.</exception>
    public static AlertmanagerConfig LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, "cannot read configuration file: " + ex.Message, null, ex);
        }
        return Load(text, path);
    }

    /// <summary>Loads configuration text; <paramref name="fileName"/> names the file in errors and anchors relative template paths.</summary>
    /// <exception cref="ConfigException">The configuration is invalid; the exception says where and why.</exception>
    public static AlertmanagerConfig Load(string yamlText, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(fileName);
        var ctx = new LoadContext(fileName);
        var root = ParseYaml(ctx, yamlText);
        var top = new YamlMap(ctx, root, "the configuration", TopFields);

        var global = top.Get("global") is { } g ? ReadGlobal(new YamlMap(ctx, g, "global", GlobalFields)) : new GlobalConfig();

        var receivers = new List<ReceiverConfig>();
        var receiverNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in top.Items("receivers"))
        {
            var r = ReadReceiver(new YamlMap(ctx, item, "receiver", ReceiverFields), global);
            if (!receiverNames.Add(r.Name))
            {
                throw ctx.Error(item, $"notification config name \"{r.Name}\" is not unique", "every receiver needs its own name");
            }
            receivers.Add(r);
        }

        var intervalNames = new HashSet<string>(StringComparer.Ordinal);
        var mute = ReadIntervals(top, "mute_time_intervals", "mute time interval", intervalNames);
        var intervals = ReadIntervals(top, "time_intervals", "time interval", intervalNames);
        if (top.Has("mute_time_intervals"))
        {
            ctx.Warn(ConfigWarningKind.Deprecated, top.KeyNode("mute_time_intervals"), "\"mute_time_intervals\" is deprecated; move the entries to \"time_intervals\"");
        }

        var routeNode = top.Get("route") ?? throw ctx.Error(root, "no route provided in config", "add a top-level \"route:\" with a default \"receiver\"");
        var routeMap = new YamlMap(ctx, routeNode, "route", RouteFields);
        if (routeMap.String("receiver") is not { Length: > 0 })
        {
            throw ctx.Error(routeNode, "root route must specify a default receiver", "add \"receiver: <name>\" to the top-level route");
        }
        foreach (var f in (string[])["match", "match_re", "matchers"])
        {
            // Alertmanager allows empty matcher lists on the root; only actual matchers are an error.
            var count = routeMap.Get(f) switch
            {
                YamlMappingNode m => m.Children.Count,
                YamlSequenceNode q => q.Children.Count,
                null => 0,
                _ => 1,
            };
            if (count > 0)
            {
                throw ctx.Error(routeMap.KeyNode(f), "root route must not have any matchers", "the root route catches every alert; move the matchers to a child route under \"routes:\"");
            }
        }
        if (routeMap.StringList("mute_time_intervals") is { Count: > 0 })
        {
            throw ctx.Error(routeMap.KeyNode("mute_time_intervals"), "root route must not have any mute time intervals");
        }
        if (routeMap.StringList("active_time_intervals") is { Count: > 0 })
        {
            throw ctx.Error(routeMap.KeyNode("active_time_intervals"), "root route must not have any active time intervals");
        }
        if (routeMap.Bool("continue") == true)
        {
            throw ctx.Error(routeMap.KeyNode("continue"), "cannot have continue in root route", "continue only makes sense between sibling routes under \"routes:\"");
        }
        var route = ReadRoute(routeMap, receiverNames, intervalNames);

        var inhibit = new List<InhibitRuleConfig>();
        foreach (var item in top.Items("inhibit_rules"))
        {
            inhibit.Add(ReadInhibitRule(new YamlMap(ctx, item, "inhibit rule", InhibitFields)));
        }

        var templates = new List<string>();
        var dir = Path.GetDirectoryName(fileName) ?? string.Empty;
        foreach (var t in top.StringList("templates") ?? [])
        {
            templates.Add(Path.IsPathRooted(t) || dir.Length == 0 ? t : Path.Combine(dir, t));
        }

        return new AlertmanagerConfig
        {
            Global = global,
            Route = route,
            InhibitRules = inhibit,
            Receivers = receivers,
            Templates = templates,
            MuteTimeIntervals = mute,
            TimeIntervals = intervals,
            FileName = fileName,
            Original = yamlText,
            Warnings = ctx.Warnings,
        };
    }

    static YamlNode ParseYaml(LoadContext ctx, string text)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            // The merging parser expands "<<: *anchor" merge keys, which Alertmanager's YAML library supports.
            stream.Load(new MergingParser(new Parser(scanner)));
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet reports some malformed scalars without a position; the scanner knows where it stopped.
            var at = scanner.CurrentPosition;
            throw new ConfigException(ctx.File, (int)at.Line, (int)at.Column, "invalid YAML: the document is malformed here", "check for an unclosed [, { or quote above this point", ex);
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException as YamlException ?? ex;
            throw new ConfigException(ctx.File, (int)inner.Start.Line, (int)inner.Start.Column, "invalid YAML: " + inner.Message, null, ex);
        }
        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw ctx.Error(second, "the configuration must be a single YAML document", "remove the \"---\" separator and the second document");
        }
        var root = stream.Documents[0].RootNode;
        return YamlMap.IsNull(root) ? new YamlMappingNode() : root;
    }

    static GlobalConfig ReadGlobal(YamlMap m)
    {
        var d = new GlobalConfig();
        var slackUrl = m.SecretUrl("slack_api_url");
        var slackFile = m.String("slack_api_url_file");
        if (slackUrl is not null && !string.IsNullOrEmpty(slackFile))
        {
            throw m.Context.Error(m.KeyNode("slack_api_url_file"), "at most one of slack_api_url & slack_api_url_file must be configured");
        }
        var opsKey = m.Secret("opsgenie_api_key");
        var opsFile = m.String("opsgenie_api_key_file");
        if (opsKey is not null && !string.IsNullOrEmpty(opsFile))
        {
            throw m.Context.Error(m.KeyNode("opsgenie_api_key_file"), "at most one of opsgenie_api_key & opsgenie_api_key_file must be configured");
        }
        var voKey = m.Secret("victorops_api_key");
        var voFile = m.String("victorops_api_key_file");
        if (voKey is not null && !string.IsNullOrEmpty(voFile))
        {
            throw m.Context.Error(m.KeyNode("victorops_api_key_file"), "at most one of victorops_api_key & victorops_api_key_file must be configured");
        }
        var smtpPassword = m.Secret("smtp_auth_password");
        var smtpPasswordFile = NullIfEmpty(m.String("smtp_auth_password_file"));
        if (smtpPassword is not null && smtpPasswordFile is not null)
        {
            throw m.Context.Error(m.KeyNode("smtp_auth_password_file"), "at most one of smtp_auth_password & smtp_auth_password_file must be configured");
        }
        var smarthost = m.String("smtp_smarthost");
        if (!string.IsNullOrEmpty(smarthost))
        {
            ValidateHostPort(m, "smtp_smarthost", smarthost);
        }
        return new GlobalConfig
        {
            ResolveTimeout = m.Duration("resolve_timeout") ?? d.ResolveTimeout,
            HttpConfig = m.Get("http_config") is { } h ? ReadHttp(new YamlMap(m.Context, h, "http_config", HttpFields)) : d.HttpConfig,
            SmtpFrom = m.String("smtp_from") ?? d.SmtpFrom,
            SmtpHello = m.String("smtp_hello") ?? d.SmtpHello,
            SmtpSmarthost = smarthost ?? d.SmtpSmarthost,
            SmtpAuthUsername = m.String("smtp_auth_username") ?? d.SmtpAuthUsername,
            SmtpAuthPassword = smtpPassword,
            SmtpAuthPasswordFile = smtpPasswordFile,
            SmtpAuthSecret = m.Secret("smtp_auth_secret"),
            SmtpAuthIdentity = m.String("smtp_auth_identity") ?? d.SmtpAuthIdentity,
            SmtpRequireTls = m.Bool("smtp_require_tls") ?? d.SmtpRequireTls,
            SlackApiUrl = slackUrl,
            SlackApiUrlFile = NullIfEmpty(slackFile),
            PagerdutyUrl = m.Url("pagerduty_url") ?? d.PagerdutyUrl,
            OpsgenieApiUrl = m.Url("opsgenie_api_url") ?? d.OpsgenieApiUrl,
            OpsgenieApiKey = opsKey,
            OpsgenieApiKeyFile = NullIfEmpty(opsFile),
            WechatApiUrl = m.Url("wechat_api_url") ?? d.WechatApiUrl,
            WechatApiSecret = m.Secret("wechat_api_secret"),
            WechatApiCorpId = m.String("wechat_api_corp_id") ?? d.WechatApiCorpId,
            VictoropsApiUrl = m.Url("victorops_api_url") ?? d.VictoropsApiUrl,
            VictoropsApiKey = voKey,
            VictoropsApiKeyFile = NullIfEmpty(voFile),
            TelegramApiUrl = m.Url("telegram_api_url") ?? d.TelegramApiUrl,
            WebexApiUrl = m.Url("webex_api_url") ?? d.WebexApiUrl,
        };
    }

    static HttpClientConfig ReadHttp(YamlMap m)
    {
        var ctx = m.Context;
        BasicAuthConfig? basic = null;
        if (m.Get("basic_auth") is { } b)
        {
            var bm = new YamlMap(ctx, b, "basic_auth", ["username", "password", "password_file"]);
            var password = bm.Secret("password");
            var file = NullIfEmpty(bm.String("password_file"));
            if (password is not null && file is not null)
            {
                throw ctx.Error(b, "at most one of basic_auth password & password_file must be configured");
            }
            basic = new BasicAuthConfig(bm.String("username") ?? string.Empty, password, file);
        }
        AuthorizationConfig? authorization = null;
        if (m.Get("authorization") is { } a)
        {
            var am = new YamlMap(ctx, a, "authorization", ["type", "credentials", "credentials_file"]);
            var type = am.String("type") is { Length: > 0 } t ? t : "Bearer";
            if (type.Equals("basic", StringComparison.OrdinalIgnoreCase))
            {
                throw ctx.Error(am.KeyNode("type"), "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            var credentials = am.Secret("credentials");
            var file = NullIfEmpty(am.String("credentials_file"));
            if (credentials is not null && file is not null)
            {
                throw ctx.Error(a, "at most one of authorization credentials & credentials_file must be configured");
            }
            authorization = new AuthorizationConfig(type, credentials, file);
        }
        OAuth2Config? oauth2 = null;
        if (m.Get("oauth2") is { } o)
        {
            var om = new YamlMap(ctx, o, "oauth2", ["client_id", "client_secret", "client_secret_file", "scopes", "token_url", "endpoint_params", "tls_config", "proxy_url"]);
            oauth2 = new OAuth2Config
            {
                ClientId = om.String("client_id") ?? string.Empty,
                ClientSecret = om.Secret("client_secret"),
                ClientSecretFile = NullIfEmpty(om.String("client_secret_file")),
                Scopes = om.StringList("scopes") ?? [],
                TokenUrl = om.String("token_url") ?? string.Empty,
                EndpointParams = ToDictionary(om.StringMap("endpoint_params")),
            };
        }
        var bearer = m.Secret("bearer_token");
        var bearerFile = NullIfEmpty(m.String("bearer_token_file"));
        if (bearer is not null && bearerFile is not null)
        {
            throw ctx.Error(m.Node, "at most one of bearer_token & bearer_token_file must be configured");
        }
        // Worded as Prometheus' common HTTP client validates it.
        if ((basic is null ? 0 : 1) + (oauth2 is null ? 0 : 1) + (bearer is null && bearerFile is null ? 0 : 1) > 1)
        {
            throw ctx.Error(m.Node, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured", "pick one way to authenticate");
        }
        if (authorization is not null && (bearer is not null || bearerFile is not null))
        {
            throw ctx.Error(m.Node, "authorization is not compatible with bearer_token & bearer_token_file", "move the token to authorization.credentials");
        }
        if (authorization is not null && (basic is not null || oauth2 is not null))
        {
            throw ctx.Error(m.Node, "at most one of basic_auth, oauth2 & authorization must be configured", "pick one way to authenticate");
        }
        return new HttpClientConfig
        {
            BasicAuth = basic,
            Authorization = authorization,
            OAuth2 = oauth2,
            BearerToken = bearer,
            BearerTokenFile = bearerFile,
            ProxyUrl = m.Url("proxy_url"),
            TlsConfig = m.Get("tls_config") is { } tls ? ReadTls(new YamlMap(ctx, tls, "tls_config", TlsFields)) : new TlsConfig(),
            FollowRedirects = m.Bool("follow_redirects") ?? true,
            EnableHttp2 = m.Bool("enable_http2") ?? true,
        };
    }

    static TlsConfig ReadTls(YamlMap m) => new()
    {
        CaFile = NullIfEmpty(m.String("ca_file")),
        CertFile = NullIfEmpty(m.String("cert_file")),
        KeyFile = NullIfEmpty(m.String("key_file")),
        ServerName = NullIfEmpty(m.String("server_name")),
        InsecureSkipVerify = m.Bool("insecure_skip_verify") ?? false,
        MinVersion = NullIfEmpty(m.String("min_version")),
    };

    const int MaxRoutes = 100_000;

    static RouteConfig ReadRoute(YamlMap m, HashSet<string> receivers, HashSet<string> intervals)
    {
        var ctx = m.Context;
        // YAML aliases share nodes, so a small hostile file can describe an exponentially large tree.
        if (++ctx.Routes > MaxRoutes)
        {
            throw ctx.Error(m.Node, $"the routing tree has more than {MaxRoutes} routes", "check for YAML aliases (*name) that repeat whole route lists");
        }
        var receiver = m.String("receiver");
        if (!string.IsNullOrEmpty(receiver) && !receivers.Contains(receiver))
        {
            throw ctx.Error(m.Get("receiver"), $"undefined receiver \"{receiver}\" used in route", Nearest("receivers", receiver, receivers));
        }

        IReadOnlyList<string>? groupBy = null;
        var groupByAll = false;
        if (m.StringList("group_by") is { } labels)
        {
            var list = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var items = m.Items("group_by");
            for (var i = 0; i < labels.Count; i++)
            {
                var l = labels[i];
                if (l == "...")
                {
                    groupByAll = true;
                    continue;
                }
                if (!LabelNames.IsValid(l))
                {
                    throw ctx.Error(items[i], $"invalid label name \"{l}\" in group_by list");
                }
                if (!seen.Add(l))
                {
                    throw ctx.Error(items[i], $"duplicated label \"{l}\" in group_by");
                }
                list.Add(l);
            }
            if (groupByAll && list.Count > 0)
            {
                throw ctx.Error(m.Get("group_by"), "cannot have wildcard group_by (`...`) and other other labels at the same time", "use either ['...'] or a list of label names");
            }
            groupBy = groupByAll ? null : list;
        }

        var match = ReadLabelMap(m, "match", regex: false);
        var matchRe = ReadLabelMap(m, "match_re", regex: true);
        var matchers = ReadMatchers(m, "matchers");

        var groupInterval = m.Duration("group_interval");
        if (groupInterval == TimeSpan.Zero)
        {
            throw ctx.Error(m.Get("group_interval"), "group_interval cannot be zero");
        }
        var repeatInterval = m.Duration("repeat_interval");
        if (repeatInterval == TimeSpan.Zero)
        {
            throw ctx.Error(m.Get("repeat_interval"), "repeat_interval cannot be zero");
        }

        var mute = ReadIntervalRefs(m, "mute_time_intervals", intervals);
        var active = ReadIntervalRefs(m, "active_time_intervals", intervals);

        var children = new List<RouteConfig>();
        foreach (var item in m.Items("routes"))
        {
            children.Add(ReadRoute(new YamlMap(ctx, item, "route", RouteFields), receivers, intervals));
        }

        return new RouteConfig
        {
            Receiver = NullIfEmpty(receiver),
            GroupBy = groupBy,
            GroupByAll = groupByAll,
            Match = match,
            MatchRe = matchRe,
            Matchers = matchers,
            MuteTimeIntervals = mute,
            ActiveTimeIntervals = active,
            Continue = m.Bool("continue") ?? false,
            Routes = children,
            GroupWait = m.Duration("group_wait"),
            GroupInterval = groupInterval,
            RepeatInterval = repeatInterval,
        };
    }

    static IReadOnlyList<string> ReadIntervalRefs(YamlMap m, string key, HashSet<string> intervals)
    {
        var names = m.StringList(key);
        if (names is null)
        {
            return [];
        }
        var items = m.Items(key);
        for (var i = 0; i < names.Count; i++)
        {
            if (!intervals.Contains(names[i]))
            {
                throw m.Context.Error(items[i], $"undefined time interval \"{names[i]}\" used in route", Nearest("time_intervals", names[i], intervals));
            }
        }
        return names;
    }

    static Dictionary<string, string> ReadLabelMap(YamlMap m, string key, bool regex)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, node) in m.StringMap(key) ?? [])
        {
            if (!LabelNames.IsValid(k.Value!))
            {
                throw m.Context.Error(k, $"invalid label name \"{k.Value}\"", "label names match [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (regex)
            {
                try
                {
                    _ = new Matcher(MatchType.Regexp, k.Value!, v);
                }
                catch (MatcherException ex)
                {
                    throw m.Context.Error(node, ex.Message + $" in \"{key}\"");
                }
            }
            result[k.Value!] = v;
        }
        return result;
    }

    static Matchers ReadMatchers(YamlMap m, string key) => m.MatcherList(key);

    static InhibitRuleConfig ReadInhibitRule(YamlMap m)
    {
        var equal = m.StringList("equal") ?? [];
        var items = m.Items("equal");
        for (var i = 0; i < equal.Count; i++)
        {
            if (!LabelNames.IsValid(equal[i]))
            {
                throw m.Context.Error(items[i], $"\"{equal[i]}\" is not a valid label name");
            }
        }
        return new InhibitRuleConfig
        {
            SourceMatch = ReadLabelMap(m, "source_match", regex: false),
            SourceMatchRe = ReadLabelMap(m, "source_match_re", regex: true),
            SourceMatchers = ReadMatchers(m, "source_matchers"),
            TargetMatch = ReadLabelMap(m, "target_match", regex: false),
            TargetMatchRe = ReadLabelMap(m, "target_match_re", regex: true),
            TargetMatchers = ReadMatchers(m, "target_matchers"),
            Equal = equal,
        };
    }

    static List<TimeIntervalConfig> ReadIntervals(YamlMap top, string key, string what, HashSet<string> names)
    {
        var ctx = top.Context;
        var result = new List<TimeIntervalConfig>();
        foreach (var item in top.Items(key))
        {
            var m = new YamlMap(ctx, item, what, ["name", "time_intervals"]);
            var name = m.String("name");
            if (string.IsNullOrEmpty(name))
            {
                throw ctx.Error(item, $"missing name in {what}");
            }
            if (!names.Add(name))
            {
                throw ctx.Error(m.Get("name"), $"{what} \"{name}\" is not unique");
            }
            var list = new List<TimeInterval>();
            foreach (var ti in m.Items("time_intervals"))
            {
                list.Add(ReadTimeInterval(new YamlMap(ctx, ti, "time interval", IntervalFields)));
            }
            result.Add(new TimeIntervalConfig(name, list));
        }
        return result;
    }

    static TimeInterval ReadTimeInterval(YamlMap m)
    {
        var ctx = m.Context;
        List<TimeRange>? times = null;
        if (m.Get("times") is not null)
        {
            times = [];
            foreach (var t in m.Items("times"))
            {
                var tm = new YamlMap(ctx, t, "times entry", ["start_time", "end_time"]);
                try
                {
                    times.Add(TimeRange.Parse(tm.String("start_time"), tm.String("end_time")));
                }
                catch (FormatException ex)
                {
                    throw ctx.Error(t, ex.Message, "times look like {start_time: '09:00', end_time: '17:30'}; the end is exclusive and may be 24:00");
                }
            }
        }
        TimeZoneInfo? location = null;
        if (m.String("location") is { Length: > 0 } loc)
        {
            location = FindZone(loc) ?? throw ctx.Error(m.Get("location"), $"unknown time zone {loc}", "use an IANA time zone name such as America/Lima or Europe/Madrid");
        }
        return new TimeInterval
        {
            Times = times,
            Weekdays = Ranges(m, "weekdays", InclusiveRange.ParseWeekdays, "weekdays look like monday, or monday:friday"),
            DaysOfMonth = Ranges(m, "days_of_month", InclusiveRange.ParseDaysOfMonth, "days of month look like 1, 1:15 or -3:-1 (counting from the month's end)"),
            Months = Ranges(m, "months", InclusiveRange.ParseMonths, "months look like january, 1:3 or june:august"),
            Years = Ranges(m, "years", InclusiveRange.ParseYears, "years look like 2026 or 2026:2028"),
            Location = location,
        };
    }

    static TimeZoneInfo? FindZone(string id)
    {
        if (id == "Local")
        {
            return TimeZoneInfo.Local;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    static List<InclusiveRange>? Ranges(YamlMap m, string key, Func<string, InclusiveRange> parse, string hint)
    {
        var texts = m.StringList(key);
        if (texts is null)
        {
            return null;
        }
        var items = m.Items(key);
        var result = new List<InclusiveRange>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            try
            {
                result.Add(parse(texts[i]));
            }
            catch (FormatException ex)
            {
                throw m.Context.Error(items[i], ex.Message, hint);
            }
        }
        return result;
    }

    static ReceiverConfig ReadReceiver(YamlMap m, GlobalConfig global)
    {
        var ctx = m.Context;
        var name = m.String("name");
        if (string.IsNullOrEmpty(name))
        {
            throw ctx.Error(m.Node, "missing name in receiver");
        }
        var unsupported = new List<UnsupportedIntegration>();
        foreach (var kind in UnsupportedKinds)
        {
            if (m.Get(kind) is { } n)
            {
                var count = m.Items(kind).Count;
                var key = m.KeyNode(kind);
                unsupported.Add(new UnsupportedIntegration(kind, count, (int)key.Start.Line, (int)key.Start.Column));
                ctx.Warn(ConfigWarningKind.NotImplemented, key, $"receiver \"{name}\": {kind} load, but Guardia does not send to this integration yet");
            }
        }
        return new ReceiverConfig
        {
            Name = name,
            WebhookConfigs = [.. m.Items("webhook_configs").Select(n => ReadWebhook(new YamlMap(ctx, n, "webhook_configs entry", WebhookFields), global))],
            SlackConfigs = [.. m.Items("slack_configs").Select(n => ReadSlack(new YamlMap(ctx, n, "slack_configs entry", SlackFields), global))],
            PagerDutyConfigs = [.. m.Items("pagerduty_configs").Select(n => ReadPagerDuty(new YamlMap(ctx, n, "pagerduty_configs entry", PagerDutyFields), global))],
            EmailConfigs = [.. m.Items("email_configs").Select(n => ReadEmail(new YamlMap(ctx, n, "email_configs entry", EmailFields), global))],
            MSTeamsConfigs = [.. m.Items("msteams_configs").Select(n => ReadTeams(new YamlMap(ctx, n, "msteams_configs entry", TeamsFields), global))],
            Unsupported = unsupported,
        };
    }

    static HttpClientConfig Http(YamlMap m, GlobalConfig global) =>
        m.Get("http_config") is { } h ? ReadHttp(new YamlMap(m.Context, h, "http_config", HttpFields)) : global.HttpConfig;

    static WebhookConfig ReadWebhook(YamlMap m, GlobalConfig global)
    {
        var url = m.Url("url");
        var file = NullIfEmpty(m.String("url_file"));
        if (url is null && file is null)
        {
            throw m.Context.Error(m.Node, "one of url or url_file must be configured", "add url: http://host:port/path");
        }
        if (url is not null && file is not null)
        {
            throw m.Context.Error(m.Node, "at most one of url & url_file must be configured");
        }
        return new WebhookConfig
        {
            SendResolved = m.Bool("send_resolved") ?? true,
            HttpConfig = Http(m, global),
            Url = url,
            UrlFile = file,
            MaxAlerts = m.Int("max_alerts", 0) ?? 0,
        };
    }

    static SlackConfig ReadSlack(YamlMap m, GlobalConfig global)
    {
        var ctx = m.Context;
        var d = new SlackConfig();
        var url = m.SecretUrl("api_url");
        var file = NullIfEmpty(m.String("api_url_file"));
        if (url is not null && file is not null)
        {
            throw ctx.Error(m.Node, "at most one of api_url & api_url_file must be configured");
        }
        if (url is null && file is null)
        {
            if (global.SlackApiUrl is null && global.SlackApiUrlFile is null)
            {
                throw ctx.Error(m.Node, "no global Slack API URL set either inline or in a file", "set api_url here or slack_api_url in global");
            }
            url = global.SlackApiUrl;
            file = global.SlackApiUrlFile;
        }
        var fields = new List<SlackField>();
        foreach (var f in m.Items("fields"))
        {
            var fm = new YamlMap(ctx, f, "Slack field", ["title", "value", "short"]);
            var title = fm.String("title");
            var value = fm.String("value");
            if (string.IsNullOrEmpty(title))
            {
                throw ctx.Error(f, "missing title in Slack field configuration");
            }
            if (string.IsNullOrEmpty(value))
            {
                throw ctx.Error(f, "missing value in Slack field configuration");
            }
            fields.Add(new SlackField(title, value, fm.Bool("short")));
        }
        var actions = new List<SlackAction>();
        foreach (var a in m.Items("actions"))
        {
            var am = new YamlMap(ctx, a, "Slack action", ["type", "text", "url", "style", "name", "value", "confirm"]);
            var action = new SlackAction
            {
                Type = am.String("type") ?? string.Empty,
                Text = am.String("text") ?? string.Empty,
                Url = am.String("url") ?? string.Empty,
                Style = am.String("style") ?? string.Empty,
                Name = am.String("name") ?? string.Empty,
                Value = am.String("value") ?? string.Empty,
                ConfirmField = am.Get("confirm") is { } c ? ReadConfirm(new YamlMap(ctx, c, "Slack confirmation", ["text", "title", "ok_text", "dismiss_text"])) : null,
            };
            if (action.Type.Length == 0)
            {
                throw ctx.Error(a, "missing type in Slack action configuration");
            }
            if (action.Text.Length == 0)
            {
                throw ctx.Error(a, "missing text in Slack action configuration");
            }
            if (action.Url.Length == 0 && action.Name.Length == 0)
            {
                throw ctx.Error(a, "missing name or url in Slack action configuration");
            }
            actions.Add(action);
        }
        return new SlackConfig
        {
            SendResolved = m.Bool("send_resolved") ?? false,
            HttpConfig = Http(m, global),
            ApiUrl = url,
            ApiUrlFile = file,
            Channel = m.String("channel") ?? d.Channel,
            Username = m.String("username") ?? d.Username,
            Color = m.String("color") ?? d.Color,
            Title = m.String("title") ?? d.Title,
            TitleLink = m.String("title_link") ?? d.TitleLink,
            Pretext = m.String("pretext") ?? d.Pretext,
            Text = m.String("text") ?? d.Text,
            Fields = fields,
            ShortFields = m.Bool("short_fields") ?? false,
            Footer = m.String("footer") ?? d.Footer,
            Fallback = m.String("fallback") ?? d.Fallback,
            CallbackId = m.String("callback_id") ?? d.CallbackId,
            IconEmoji = m.String("icon_emoji") ?? d.IconEmoji,
            IconUrl = m.String("icon_url") ?? d.IconUrl,
            ImageUrl = m.String("image_url") ?? d.ImageUrl,
            ThumbUrl = m.String("thumb_url") ?? d.ThumbUrl,
            LinkNames = m.Bool("link_names") ?? false,
            MrkdwnIn = m.StringList("mrkdwn_in") ?? [],
            Actions = actions,
        };
    }

    static SlackConfirmationField ReadConfirm(YamlMap m)
    {
        var text = m.String("text");
        if (string.IsNullOrEmpty(text))
        {
            throw m.Context.Error(m.Node, "missing text in Slack confirmation configuration");
        }
        return new SlackConfirmationField(text, m.String("title") ?? string.Empty, m.String("ok_text") ?? string.Empty, m.String("dismiss_text") ?? string.Empty);
    }

    static PagerDutyConfig ReadPagerDuty(YamlMap m, GlobalConfig global)
    {
        var ctx = m.Context;
        var d = new PagerDutyConfig();
        var serviceKey = m.Secret("service_key");
        var serviceKeyFile = NullIfEmpty(m.String("service_key_file"));
        var routingKey = m.Secret("routing_key");
        var routingKeyFile = NullIfEmpty(m.String("routing_key_file"));
        if (serviceKey is null && serviceKeyFile is null && routingKey is null && routingKeyFile is null)
        {
            throw ctx.Error(m.Node, "missing service or routing key in PagerDuty config", "set routing_key (Events API v2) or service_key (v1)");
        }
        if (routingKey is not null && routingKeyFile is not null)
        {
            throw ctx.Error(m.Node, "at most one of routing_key & routing_key_file must be configured");
        }
        if (serviceKey is not null && serviceKeyFile is not null)
        {
            throw ctx.Error(m.Node, "at most one of service_key & service_key_file must be configured");
        }
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, _) in m.StringMap("details") ?? [])
        {
            details[k.Value!] = v;
        }
        foreach (var (k, v) in PagerDutyConfig.DefaultDetails)
        {
            details.TryAdd(k, v);
        }
        var images = new List<PagerDutyImage>();
        foreach (var i in m.Items("images"))
        {
            var im = new YamlMap(ctx, i, "PagerDuty image", ["src", "alt", "href"]);
            images.Add(new PagerDutyImage(im.String("src") ?? string.Empty, im.String("alt") ?? string.Empty, im.String("href") ?? string.Empty));
        }
        var links = new List<PagerDutyLink>();
        foreach (var l in m.Items("links"))
        {
            var lm = new YamlMap(ctx, l, "PagerDuty link", ["href", "text"]);
            links.Add(new PagerDutyLink(lm.String("href") ?? string.Empty, lm.String("text") ?? string.Empty));
        }
        var client = m.String("client") ?? d.Client;
        return new PagerDutyConfig
        {
            SendResolved = m.Bool("send_resolved") ?? true,
            HttpConfig = Http(m, global),
            ServiceKey = serviceKey,
            ServiceKeyFile = serviceKeyFile,
            RoutingKey = routingKey,
            RoutingKeyFile = routingKeyFile,
            Url = m.Url("url") ?? global.PagerdutyUrl,
            Client = client,
            ClientUrl = m.String("client_url") ?? d.ClientUrl,
            Description = m.String("description") ?? d.Description,
            Details = details,
            Images = images,
            Links = links,
            // Alertmanager fills an empty source with the client text.
            Source = m.String("source") is { Length: > 0 } s ? s : client,
            Severity = m.String("severity") ?? string.Empty,
            Class = m.String("class") ?? string.Empty,
            Component = m.String("component") ?? string.Empty,
            Group = m.String("group") ?? string.Empty,
        };
    }

    static EmailConfig ReadEmail(YamlMap m, GlobalConfig global)
    {
        var ctx = m.Context;
        var to = m.String("to");
        if (string.IsNullOrEmpty(to))
        {
            throw ctx.Error(m.Node, "missing to address in email config");
        }
        var smarthost = m.String("smarthost");
        if (string.IsNullOrEmpty(smarthost))
        {
            if (global.SmtpSmarthost.Length == 0)
            {
                throw ctx.Error(m.Node, "no global SMTP smarthost set", "set smarthost here or smtp_smarthost in global");
            }
            smarthost = global.SmtpSmarthost;
        }
        else
        {
            ValidateHostPort(m, "smarthost", smarthost);
        }
        var from = m.String("from");
        if (string.IsNullOrEmpty(from))
        {
            if (global.SmtpFrom.Length == 0)
            {
                throw ctx.Error(m.Node, "no global SMTP from set", "set from here or smtp_from in global");
            }
            from = global.SmtpFrom;
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, _) in m.StringMap("headers") ?? [])
        {
            var canonical = CanonicalHeader(k.Value!);
            if (!headers.TryAdd(canonical, v))
            {
                throw ctx.Error(k, $"duplicate header \"{canonical}\" in email config");
            }
        }
        // Alertmanager adds the envelope addresses as headers when they are not set explicitly.
        headers.TryAdd("From", from);
        headers.TryAdd("To", to);
        headers.TryAdd("Subject", "{{ template \"email.default.subject\" . }}");
        var hello = m.String("hello");
        var password = m.Secret("auth_password");
        var passwordFile = NullIfEmpty(m.String("auth_password_file"));
        if (password is not null && passwordFile is not null)
        {
            throw ctx.Error(m.Node, "at most one of auth_password & auth_password_file must be configured");
        }
        if (password is null && passwordFile is null)
        {
            password = global.SmtpAuthPassword;
            passwordFile = global.SmtpAuthPasswordFile;
        }
        return new EmailConfig
        {
            SendResolved = m.Bool("send_resolved") ?? false,
            To = to,
            From = from,
            Hello = string.IsNullOrEmpty(hello) ? global.SmtpHello : hello,
            Smarthost = smarthost,
            AuthUsername = m.String("auth_username") is { Length: > 0 } u ? u : global.SmtpAuthUsername,
            AuthPassword = password,
            AuthPasswordFile = passwordFile,
            AuthSecret = m.Secret("auth_secret") ?? global.SmtpAuthSecret,
            AuthIdentity = m.String("auth_identity") is { Length: > 0 } id ? id : global.SmtpAuthIdentity,
            Headers = headers,
            Html = m.String("html") ?? new EmailConfig().Html,
            Text = m.String("text") ?? string.Empty,
            RequireTls = m.Bool("require_tls") ?? global.SmtpRequireTls,
            TlsConfig = m.Get("tls_config") is { } tls ? ReadTls(new YamlMap(ctx, tls, "tls_config", TlsFields)) : new TlsConfig(),
        };
    }

    static MSTeamsConfig ReadTeams(YamlMap m, GlobalConfig global)
    {
        var d = new MSTeamsConfig();
        var url = m.SecretUrl("webhook_url");
        var file = NullIfEmpty(m.String("webhook_url_file"));
        if (url is null && file is null)
        {
            throw m.Context.Error(m.Node, "one of webhook_url or webhook_url_file must be configured");
        }
        if (url is not null && file is not null)
        {
            throw m.Context.Error(m.Node, "at most one of webhook_url & webhook_url_file must be configured");
        }
        return new MSTeamsConfig
        {
            SendResolved = m.Bool("send_resolved") ?? true,
            HttpConfig = Http(m, global),
            WebhookUrl = url,
            WebhookUrlFile = file,
            Title = m.String("title") ?? d.Title,
            Summary = m.String("summary") ?? d.Summary,
            Text = m.String("text") ?? d.Text,
        };
    }

    static void ValidateHostPort(YamlMap m, string key, string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || colon == value.Length - 1)
        {
            throw m.Context.Error(m.Get(key), $"address {value}: missing port in address", "write host:port, for example smtp.example.org:587");
        }
    }

    static string CanonicalHeader(string name)
    {
        var chars = name.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }
        return new string(chars);
    }

    static string? Nearest(string what, string name, IEnumerable<string> known)
    {
        var list = known.ToList();
        if (list.Count == 0)
        {
            return $"no {what} are defined";
        }
        var hint = YamlMap.Suggest(name, list);
        return hint is not null && hint.StartsWith("did you mean", StringComparison.Ordinal)
            ? hint
            : $"defined {what}: " + string.Join(", ", list.Select(n => "\"" + n + "\""));
    }

    static Dictionary<string, string> ToDictionary(IReadOnlyList<(YamlScalarNode Key, string Value, YamlNode ValueNode)>? map)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, _) in map ?? [])
        {
            d[k.Value!] = v;
        }
        return d;
    }

    static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
