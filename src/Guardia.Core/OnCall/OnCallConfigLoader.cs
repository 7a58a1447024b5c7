using System.Globalization;
using Guardia.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.OnCall;

/// <summary>Reads the <c>users</c>, <c>teams</c>, <c>services</c> and <c>schedules</c> sections of Guardia's settings file.</summary>
public static class OnCallConfigLoader
{
    static readonly string[] UserFields = ["id", "name", "email", "time_zone", "locale", "contact_methods"];
    static readonly string[] ContactFields = ["type", "address", "url", "url_file"];
    static readonly string[] TeamFields = ["id", "name", "members", "lead"];
    static readonly string[] ServiceFields = ["id", "name", "team", "matchers"];
    static readonly string[] ScheduleFields = ["id", "name", "time_zone", "layers", "overrides"];
    static readonly string[] LayerFields = ["name", "rotation", "length", "start", "participants", "restrictions"];
    static readonly string[] RestrictionFields = ["days", "from", "to"];
    static readonly string[] OverrideFields = ["user", "layer", "start", "end"];
    static readonly string[] Locales = ["en", "es"];
    static readonly string[] ContactTypes = ["email", "slack", "webhook", "log"];
    static readonly string[] Rotations = ["daily", "weekly"];
    static readonly TimeSpan ShortestTurn = TimeSpan.FromHours(1);

    static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];
    static readonly string[] OffsetFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK"];

    const string IdHint = "ids use letters, digits, '.', '_' and '-', such as ana or platform-weekly";
    const string ZoneHint = "use an IANA time zone name such as America/Lima or Europe/Madrid";
    const string TimeHint = "write local date and time as 2026-11-02T09:00 (read in the schedule's time_zone)";

    /// <summary>Reads the on-call sections of <paramref name="root"/>; other top-level keys are left to the caller.</summary>
    /// <param name="path">The file name used in error positions.</param>
    /// <param name="root">The settings file's top-level mapping.</param>
    /// <exception cref="ConfigException">A section is invalid; the exception carries the file, line and column.</exception>
    public static OnCallConfig Parse(string path, YamlMappingNode root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var ctx = new LoadContext(path);
        var users = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var node in Section(ctx, root, "users"))
        {
            var user = ReadUser(new YamlMap(ctx, node, "user", UserFields));
            if (!users.TryAdd(user.Id, user))
            {
                throw ctx.Error(IdNode(node), $"user \"{user.Id}\" is defined twice", "each user id must be unique");
            }
        }
        var teams = new Dictionary<string, Team>(StringComparer.Ordinal);
        foreach (var node in Section(ctx, root, "teams"))
        {
            var team = ReadTeam(new YamlMap(ctx, node, "team", TeamFields), users);
            if (!teams.TryAdd(team.Id, team))
            {
                throw ctx.Error(IdNode(node), $"team \"{team.Id}\" is defined twice", "each team id must be unique");
            }
        }
        var services = new List<Service>();
        var serviceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Section(ctx, root, "services"))
        {
            var service = ReadService(new YamlMap(ctx, node, "service", ServiceFields), teams);
            if (!serviceIds.Add(service.Id))
            {
                throw ctx.Error(IdNode(node), $"service \"{service.Id}\" is defined twice", "each service id must be unique");
            }
            services.Add(service);
        }
        var schedules = new Dictionary<string, Schedule>(StringComparer.Ordinal);
        foreach (var node in Section(ctx, root, "schedules"))
        {
            var schedule = ReadSchedule(new YamlMap(ctx, node, "schedule", ScheduleFields), users);
            if (!schedules.TryAdd(schedule.Id, schedule))
            {
                throw ctx.Error(IdNode(node), $"schedule \"{schedule.Id}\" is defined twice", "each schedule id must be unique");
            }
        }
        return new OnCallConfig(users.Values, teams.Values, services, schedules.Values, ctx.Warnings);
    }

    static IReadOnlyList<YamlNode> Section(LoadContext ctx, YamlMappingNode root, string key)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var value) || YamlMap.IsNull(value))
        {
            return [];
        }
        if (value is not YamlSequenceNode seq)
        {
            throw ctx.Error(value, $"\"{key}\" must be a list, not {YamlMap.Describe(value)}", "start each entry with \"- \"");
        }
        return [.. seq.Children];
    }

    static YamlNode IdNode(YamlNode entry) =>
        entry is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("id"), out var id) ? id : entry;

    static User ReadUser(YamlMap m)
    {
        var ctx = m.Context;
        var id = RequiredId(m, "id", "user");
        var email = m.String("email");
        if (email is not null && !LooksLikeEmail(email))
        {
            throw ctx.Error(m.Get("email"), $"\"{email}\" is not an email address", "write it as name@example.com");
        }
        var zone = m.Has("time_zone") ? Zone(m, "time_zone") : TimeZoneInfo.Utc;
        var locale = m.String("locale") ?? "en";
        if (!Locales.Contains(locale))
        {
            throw ctx.Error(m.Get("locale"), $"unknown locale \"{locale}\"", "use en or es");
        }
        var methods = new List<ContactMethod>();
        foreach (var node in m.Items("contact_methods"))
        {
            methods.Add(ReadContactMethod(new YamlMap(ctx, node, "contact method", ContactFields)));
        }
        return new User(id, NullIfEmpty(m.String("name")) ?? id, email, zone, locale, methods);
    }

    static ContactMethod ReadContactMethod(YamlMap m)
    {
        var ctx = m.Context;
        var type = m.String("type") ?? throw ctx.Error(m.Node, "contact method has no \"type\"", "use type: email, slack, webhook or log");
        if (!ContactTypes.Contains(type))
        {
            throw ctx.Error(m.Get("type"), $"unknown contact method type \"{type}\"", YamlMap.Suggest(type, ContactTypes)?.Replace("valid fields here", "valid types", StringComparison.Ordinal));
        }
        if (type == "email")
        {
            foreach (var f in (string[])["url", "url_file"])
            {
                if (m.Has(f))
                {
                    throw ctx.Error(m.KeyNode(f), $"an email contact method takes \"address\", not \"{f}\"");
                }
            }
            var address = m.String("address") ?? throw ctx.Error(m.Node, "email contact method has no \"address\"", "add address: name@example.com");
            if (!LooksLikeEmail(address))
            {
                throw ctx.Error(m.Get("address"), $"\"{address}\" is not an email address", "write it as name@example.com");
            }
            return new ContactMethod(ContactMethodType.Email, Address: address);
        }
        if (type == "log")
        {
            foreach (var f in (string[])["address", "url", "url_file"])
            {
                if (m.Has(f))
                {
                    throw ctx.Error(m.KeyNode(f), $"a log contact method takes no \"{f}\": the page is written to Guardia's log");
                }
            }
            return new ContactMethod(ContactMethodType.Log);
        }
        if (m.Has("address"))
        {
            throw ctx.Error(m.KeyNode("address"), $"a {type} contact method takes \"url\" or \"url_file\", not \"address\"");
        }
        var url = m.SecretUrl("url");
        var file = NullIfEmpty(m.String("url_file"));
        if (url is null && file is null)
        {
            throw ctx.Error(m.Node, $"{type} contact method needs one of url or url_file", "add url: https://host/path");
        }
        if (url is not null && file is not null)
        {
            throw ctx.Error(m.KeyNode("url_file"), "at most one of url & url_file must be configured");
        }
        return new ContactMethod(type == "slack" ? ContactMethodType.Slack : ContactMethodType.Webhook, Url: url, UrlFile: file);
    }

    static Team ReadTeam(YamlMap m, Dictionary<string, User> users)
    {
        var ctx = m.Context;
        var id = RequiredId(m, "id", "team");
        var members = UserList(m, "members", users, allowRepeats: false);
        var lead = NullIfEmpty(m.String("lead"));
        if (lead is not null && !members.Contains(lead))
        {
            throw users.ContainsKey(lead)
                ? ctx.Error(m.Get("lead"), $"lead \"{lead}\" is not a member of team \"{id}\"", "add the lead to members")
                : ctx.Error(m.Get("lead"), $"unknown user \"{lead}\"", UserHint(lead, users));
        }
        return new Team(id, NullIfEmpty(m.String("name")) ?? id, members, lead);
    }

    static Service ReadService(YamlMap m, Dictionary<string, Team> teams)
    {
        var ctx = m.Context;
        var id = RequiredId(m, "id", "service");
        var team = m.String("team") ?? throw ctx.Error(m.Node, $"service \"{id}\" has no \"team\"", "name the team that owns it: team: platform");
        if (!teams.ContainsKey(team))
        {
            throw ctx.Error(m.Get("team"), $"unknown team \"{team}\"", Closest(team, teams.Keys, "teams"));
        }
        var lines = m.StringList("matchers");
        if (lines is null || lines.Count == 0)
        {
            throw ctx.Error(m.Has("matchers") ? m.Get("matchers") : m.Node, $"service \"{id}\" has no matchers", "a service without matchers would claim every alert; add matchers: ['service=\"checkout\"']");
        }
        return new Service(id, NullIfEmpty(m.String("name")) ?? id, team, m.MatcherList("matchers"));
    }

    static Schedule ReadSchedule(YamlMap m, Dictionary<string, User> users)
    {
        var ctx = m.Context;
        var id = RequiredId(m, "id", "schedule");
        if (!m.Has("time_zone"))
        {
            throw ctx.Error(m.Node, $"schedule \"{id}\" has no \"time_zone\"", "handoffs happen at local time; add time_zone: America/Lima");
        }
        var zone = Zone(m, "time_zone");
        var layerNodes = m.Items("layers");
        if (layerNodes.Count == 0)
        {
            throw ctx.Error(m.Has("layers") ? m.Get("layers") : m.Node, $"schedule \"{id}\" has no layers", "add layers: with at least one rotation");
        }
        var layers = new List<ScheduleLayer>(layerNodes.Count);
        foreach (var node in layerNodes)
        {
            var lm = new YamlMap(ctx, node, "layer", LayerFields);
            var layer = ReadLayer(lm, zone, users);
            if (layers.Exists(l => l.Name == layer.Name))
            {
                throw ctx.Error(lm.Get("name"), $"layer \"{layer.Name}\" is defined twice in schedule \"{id}\"", "each layer name must be unique within its schedule");
            }
            layers.Add(layer);
        }
        var overrides = new List<ScheduleOverride>();
        foreach (var node in m.Items("overrides"))
        {
            overrides.Add(ReadOverride(new YamlMap(ctx, node, "override", OverrideFields), zone, users, layers));
        }
        return new Schedule(id, NullIfEmpty(m.String("name")) ?? id, zone, layers, overrides);
    }

    static ScheduleLayer ReadLayer(YamlMap m, TimeZoneInfo zone, Dictionary<string, User> users)
    {
        var ctx = m.Context;
        var name = NullIfEmpty(m.String("name")) ?? throw ctx.Error(m.Node, "layer has no \"name\"", "name layers by priority: primary, secondary, backup");
        TimeSpan length;
        if (m.Has("rotation") && m.Has("length"))
        {
            throw ctx.Error(m.KeyNode("length"), "give either rotation (daily or weekly) or length, not both");
        }
        if (m.String("rotation") is { } rotation)
        {
            length = rotation switch
            {
                "daily" => TimeSpan.FromDays(1),
                "weekly" => TimeSpan.FromDays(7),
                _ => throw ctx.Error(m.Get("rotation"), $"unknown rotation \"{rotation}\"", "use daily or weekly, or give length: such as 12h, 3d or 2w"),
            };
        }
        else if (m.Has("length"))
        {
            length = m.Duration("length")!.Value;
            if (length < ShortestTurn)
            {
                throw ctx.Error(m.Get("length"), $"length {PromDuration.Format(length)} is shorter than one hour", "turns last 1h or more, such as 12h, 1d or 1w");
            }
        }
        else
        {
            throw ctx.Error(m.Node, $"layer \"{name}\" has neither rotation nor length", "add rotation: weekly, or length: such as 12h or 3d");
        }
        if (!m.Has("start"))
        {
            throw ctx.Error(m.Node, $"layer \"{name}\" has no \"start\"", "give the first handoff, such as start: 2026-11-02T09:00");
        }
        var start = LocalDateTime(m, "start");
        var participants = UserList(m, "participants", users, allowRepeats: true);
        var restrictions = new List<ScheduleRestriction>();
        foreach (var node in m.Items("restrictions"))
        {
            restrictions.Add(ReadRestriction(new YamlMap(ctx, node, "restriction", RestrictionFields)));
        }
        return new ScheduleLayer(name, length, start, participants, restrictions);
    }

    static ScheduleRestriction ReadRestriction(YamlMap m)
    {
        var ctx = m.Context;
        var days = new List<DayOfWeek>();
        if (m.StringList("days") is { } names)
        {
            var items = m.Items("days");
            for (var i = 0; i < names.Count; i++)
            {
                if (!ParseDays(names[i], days))
                {
                    throw ctx.Error(items[i], $"\"{names[i]}\" is not a day of the week", "use mon, tue, wed, thu, fri, sat, sun (or full names), or a range such as mon:fri");
                }
            }
            if (names.Count == 0)
            {
                throw ctx.Error(m.Get("days"), "\"days\" is empty", "list the days, or leave days out for every day");
            }
        }
        else
        {
            days.AddRange(Enum.GetValues<DayOfWeek>());
        }
        var from = ClockTime(m, "from", allow24: false);
        var to = ClockTime(m, "to", allow24: true);
        if (from == to)
        {
            throw ctx.Error(m.Get("to"), "\"to\" equals \"from\", so the window is empty", "use from: \"00:00\" and to: \"24:00\" for the whole day");
        }
        return new ScheduleRestriction([.. days.Distinct()], from, to);
    }

    static ScheduleOverride ReadOverride(YamlMap m, TimeZoneInfo zone, Dictionary<string, User> users, List<ScheduleLayer> layers)
    {
        var ctx = m.Context;
        var user = m.String("user") ?? throw ctx.Error(m.Node, "override has no \"user\"", "name who takes the shift: user: ana");
        if (!users.ContainsKey(user))
        {
            throw ctx.Error(m.Get("user"), $"unknown user \"{user}\"", UserHint(user, users));
        }
        var layer = NullIfEmpty(m.String("layer"));
        if (layer is not null && !layers.Exists(l => l.Name == layer))
        {
            throw ctx.Error(m.Get("layer"), $"unknown layer \"{layer}\"", Closest(layer, layers.Select(l => l.Name), "layers"));
        }
        foreach (var f in (string[])["start", "end"])
        {
            if (!m.Has(f))
            {
                throw ctx.Error(m.Node, $"override has no \"{f}\"", "give start and end, such as start: 2026-11-24T09:00 and end: 2026-11-25T09:00");
            }
        }
        var start = Instant(m, "start", zone);
        var end = Instant(m, "end", zone);
        if (end <= start)
        {
            throw ctx.Error(m.Get("end"), "override ends before it starts", "end must be after start");
        }
        return new ScheduleOverride(user, start, end, layer);
    }

    static string RequiredId(YamlMap m, string key, string what)
    {
        var id = NullIfEmpty(m.String(key)) ?? throw m.Context.Error(m.Node, $"{what} has no \"{key}\"", IdHint);
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw m.Context.Error(m.Get(key), $"{what} id \"{id}\" contains '{c}'", IdHint);
            }
        }
        return id;
    }

    static List<string> UserList(YamlMap m, string key, Dictionary<string, User> users, bool allowRepeats)
    {
        var ctx = m.Context;
        var names = m.StringList(key);
        if (names is null || names.Count == 0)
        {
            throw ctx.Error(m.Has(key) ? m.Get(key) : m.Node, $"\"{key}\" is empty", $"list at least one user id, such as {key}: [ana, luis]");
        }
        var items = m.Items(key);
        var list = new List<string>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (!users.ContainsKey(names[i]))
            {
                throw ctx.Error(items[i], $"unknown user \"{names[i]}\"", UserHint(names[i], users));
            }
            if (!allowRepeats && list.Contains(names[i]))
            {
                throw ctx.Error(items[i], $"user \"{names[i]}\" is listed twice in \"{key}\"");
            }
            list.Add(names[i]);
        }
        return list;
    }

    static TimeZoneInfo Zone(YamlMap m, string key)
    {
        var id = m.String(key) ?? string.Empty;
        try
        {
            // "Local" would make the schedule depend on the machine Guardia runs on.
            if (id.Length > 0 && id != "Local")
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
        }
        throw m.Context.Error(m.Get(key), $"unknown time zone \"{id}\"", ZoneHint);
    }

    static DateTime LocalDateTime(YamlMap m, string key)
    {
        var text = m.String(key) ?? string.Empty;
        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        }
        throw m.Context.Error(m.Get(key), $"\"{text}\" is not a local date and time in \"{key}\"", TimeHint);
    }

    /// <summary>A local date-time read in the schedule's zone, or an explicit instant when it carries Z or an offset.</summary>
    static DateTimeOffset Instant(YamlMap m, string key, TimeZoneInfo zone)
    {
        var text = m.String(key) ?? string.Empty;
        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return WallClock.ToInstant(local, zone);
        }
        if (DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant.ToUniversalTime();
        }
        throw m.Context.Error(m.Get(key), $"\"{text}\" is not a date and time in \"{key}\"", TimeHint + ", or as an instant with Z or an offset");
    }

    static TimeSpan ClockTime(YamlMap m, string key, bool allow24)
    {
        var ctx = m.Context;
        var text = m.String(key) ?? throw ctx.Error(m.Node, $"restriction has no \"{key}\"", "give from and to as \"HH:MM\", such as from: \"09:00\" and to: \"18:00\"");
        if (text.Length == 5 && text[2] == ':'
            && int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            && min < 60 && (h < 24 || (allow24 && h == 24 && min == 0)))
        {
            return new TimeSpan(h, min, 0);
        }
        throw ctx.Error(m.Get(key), $"\"{text}\" is not a time of day in \"{key}\"", allow24 ? "write it as \"HH:MM\" from \"00:00\" to \"24:00\"" : "write it as \"HH:MM\" from \"00:00\" to \"23:59\"");
    }

    static bool ParseDays(string text, List<DayOfWeek> days)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            if (Day(text) is not { } d)
            {
                return false;
            }
            days.Add(d);
            return true;
        }
        if (Day(text[..colon]) is not { } first || Day(text[(colon + 1)..]) is not { } last)
        {
            return false;
        }
        // A range wraps past Sunday, so fri:mon is Friday to Monday.
        for (var d = first; ; d = (DayOfWeek)(((int)d + 1) % 7))
        {
            days.Add(d);
            if (d == last)
            {
                return true;
            }
        }
    }

    static DayOfWeek? Day(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sun" or "sunday" => DayOfWeek.Sunday,
        "mon" or "monday" => DayOfWeek.Monday,
        "tue" or "tuesday" => DayOfWeek.Tuesday,
        "wed" or "wednesday" => DayOfWeek.Wednesday,
        "thu" or "thursday" => DayOfWeek.Thursday,
        "fri" or "friday" => DayOfWeek.Friday,
        "sat" or "saturday" => DayOfWeek.Saturday,
        _ => null,
    };

    static string UserHint(string name, Dictionary<string, User> users) =>
        Closest(name, users.Keys, "users") ?? "define the user under users: first";

    static string? Closest(string name, IEnumerable<string> known, string what)
    {
        var list = known.ToList();
        if (list.Count == 0)
        {
            return null;
        }
        var hint = YamlMap.Suggest(name, list);
        return hint is not null && hint.StartsWith("did you mean", StringComparison.Ordinal) ? hint : $"known {what}: " + string.Join(", ", list);
    }

    static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && at < text.Length - 1 && !text.Any(char.IsWhiteSpace);
    }

    static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
