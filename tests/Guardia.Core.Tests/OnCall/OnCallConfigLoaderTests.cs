using System.Globalization;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.OnCall;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Tests.OnCall;

public sealed class OnCallConfigLoaderTests
{
    const string Example = """
        users:
          - id: ana
            name: Ana Torres
            email: ana@example.com
            time_zone: America/Lima
            locale: es
            contact_methods:
              - type: email
                address: ana@example.com
              - type: webhook
                url: http://127.0.0.1:9099/sms
              - type: slack
                url: https://hooks.slack.com/services/T000/B000/XXX
          - id: luis
            name: Luis Ramos
            email: luis@example.com
            time_zone: America/Lima
          - id: maria
            name: María García
            time_zone: Europe/Madrid
            locale: es
            contact_methods:
              - type: webhook
                url_file: /run/secrets/maria-sms
        teams:
          - id: platform
            name: Plataforma
            members: [ana, luis, maria]
            lead: luis
        services:
          - id: checkout
            name: Checkout
            team: platform
            matchers: ['service="checkout"']
          - id: everything-prod
            team: platform
            matchers: ['env=~"prod|production"']
        schedules:
          - id: platform-weekly
            name: Plataforma semanal
            time_zone: America/Lima
            layers:
              - name: primary
                rotation: weekly
                start: 2026-11-02T09:00
                participants: [ana, luis, maria]
              - name: secondary
                length: 1w
                start: 2026-11-02T09:00
                participants: [luis, maria, ana]
              - name: business-hours
                length: 1d
                start: 2026-11-02T09:00
                participants: [maria]
                restrictions:
                  - days: [mon, tue, wed, thu, fri]
                    from: "09:00"
                    to: "18:00"
            overrides:
              - user: maria
                layer: primary
                start: 2026-11-24T09:00
                end: 2026-11-25T09:00
        """;

    static OnCallConfig Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return OnCallConfigLoader.Parse("guardia.yml", (YamlMappingNode)stream.Documents[0].RootNode);
    }

    static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public void Parse_ReadsTheIssueExample()
    {
        var config = Parse(Example);

        var ana = config.Users["ana"];
        Assert.Equal("Ana Torres", ana.Name);
        Assert.Equal("ana@example.com", ana.Email);
        Assert.Equal("America/Lima", ana.TimeZone.Id);
        Assert.Equal("es", ana.Locale);
        Assert.Equal(
            [
                new ContactMethod(ContactMethodType.Email, Address: "ana@example.com"),
                new ContactMethod(ContactMethodType.Webhook, Url: new Secret("http://127.0.0.1:9099/sms")),
                new ContactMethod(ContactMethodType.Slack, Url: new Secret("https://hooks.slack.com/services/T000/B000/XXX")),
            ],
            ana.ContactMethods);
        Assert.Equal("<secret>", ana.ContactMethods[2].Url!.ToString());
        Assert.Equal("en", config.Users["luis"].Locale);
        Assert.Equal(new ContactMethod(ContactMethodType.Webhook, UrlFile: "/run/secrets/maria-sms"), config.Users["maria"].ContactMethods[0]);

        var team = config.Teams["platform"];
        Assert.Equal("Plataforma", team.Name);
        Assert.Equal("luis", team.Lead);
        Assert.Equal(["ana", "luis", "maria"], config.UsersForTeam("platform"));
        Assert.Empty(config.UsersForTeam("nobody"));

        Assert.Equal("platform", config.Services["checkout"].Team);
        Assert.Equal("{service=\"checkout\"}", config.Services["checkout"].Matchers.ToString());
        Assert.Equal("everything-prod", config.Services["everything-prod"].Name);

        var schedule = config.Schedules["platform-weekly"];
        Assert.Equal("Plataforma semanal", schedule.Name);
        Assert.Equal("America/Lima", schedule.TimeZone.Id);
        Assert.Equal(["primary", "secondary", "business-hours"], schedule.Layers.Select(l => l.Name));
        Assert.Equal([TimeSpan.FromDays(7), TimeSpan.FromDays(7), TimeSpan.FromDays(1)], schedule.Layers.Select(l => l.Length));
        Assert.Equal(new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Unspecified), schedule.Layers[0].Start);
        Assert.Equal(["luis", "maria", "ana"], schedule.Layers[1].Participants);
        var restriction = Assert.Single(schedule.Layers[2].Restrictions);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], restriction.Days);
        Assert.Equal((TimeSpan.FromHours(9), TimeSpan.FromHours(18)), (restriction.From, restriction.To));
        Assert.Equal(new ScheduleOverride("maria", Utc("2026-11-24T14:00:00Z"), Utc("2026-11-25T14:00:00Z"), "primary"), Assert.Single(schedule.Overrides));
        // The issue's Slack URL is the documentation placeholder: it loads, with a warning at its position.
        var warning = Assert.Single(config.Warnings);
        Assert.Equal((ConfigWarningKind.Placeholder, 13, 14), (warning.Kind, warning.Line, warning.Column));

        Assert.Equal(["maria", "luis"], OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-24T15:00:00Z")).Final);
    }

    static TheoryDataRow<string, string?> Lookup(string name, string labels, string? service) => new(labels, service) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string?>> ServiceCases =>
    [
        Lookup("checkout in prod: the first match wins", "service=checkout,env=prod", "checkout"),
        Lookup("other service in prod", "service=search,env=production", "everything-prod"),
        Lookup("no service matches", "service=search,env=dev", null),
        Lookup("no labels", "", null),
    ];

    [Theory]
    [MemberData(nameof(ServiceCases))]
    public void ServiceFor_ReturnsFirstMatchingService(string labels, string? service)
    {
        var pairs = labels.Length == 0 ? [] : labels.Split(',').Select(p => p.Split('=')).Select(p => (p[0], p[1])).ToArray();
        Assert.Equal(service, Parse(Example).ServiceFor(LabelSet.Of(pairs))?.Id);
    }

    [Fact]
    public void Parse_ReturnsEmpty_WhenNoOnCallSections()
    {
        var config = Parse("alertmanager_config_file: alertmanager.yml\nusers: []\nschedules:\n");
        Assert.Empty(config.Users);
        Assert.Empty(config.Schedules);
        Assert.Null(config.ServiceFor(LabelSet.Empty));
        Assert.Empty(OnCallConfig.Empty.Teams);
    }

    [Fact]
    public void Parse_AcceptsRangesNightWindowsExplicitInstantsAndPlaceholders()
    {
        var config = Parse("""
            users:
              - id: ana
                contact_methods:
                  - type: slack
                    url: YOUR_SLACK_WEBHOOK
            schedules:
              - id: nights
                time_zone: Europe/Madrid
                layers:
                  - name: nights
                    length: 12h
                    start: 2026-03-01T20:00:00
                    participants: [ana, ana]
                    restrictions:
                      - days: ["fri:mon"]
                        from: "20:00"
                        to: "08:00"
                      - from: "00:00"
                        to: "24:00"
                overrides:
                  - user: ana
                    start: 2026-03-29T00:00Z
                    end: 2026-03-30T00:00:00+02:00
            """);
        var layer = config.Schedules["nights"].Layers[0];
        Assert.Equal(TimeSpan.FromHours(12), layer.Length);
        Assert.Equal([DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday], layer.Restrictions[0].Days);
        Assert.Equal(7, layer.Restrictions[1].Days.Count);
        Assert.Equal(TimeSpan.FromHours(24), layer.Restrictions[1].To);
        var o = config.Schedules["nights"].Overrides[0];
        Assert.Equal((Utc("2026-03-29T00:00:00Z"), Utc("2026-03-29T22:00:00Z"), (string?)null), (o.Start, o.End, o.Layer));
        var warning = Assert.Single(config.Warnings);
        Assert.Equal((ConfigWarningKind.Placeholder, 5, 14), (warning.Kind, warning.Line, warning.Column));
    }

    const string TwoUsers = "users:\n  - id: ana\n  - id: luis\n";
    const string Team = TwoUsers + "teams:\n  - id: t\n    members: [ana]\n";
    const string Schedule = TwoUsers + "schedules:\n  - id: s\n    time_zone: America/Lima\n    layers:\n      - name: primary\n";
    const string Weekly = "        rotation: weekly\n        start: 2026-11-02T09:00\n        participants: [ana, luis]\n";
    const string Restricted = Schedule + Weekly + "        restrictions:\n";

    static TheoryDataRow<string, string, int, int, string?> Bad(string name, string yaml, string message, int line, int column, string? hint = null) =>
        new(yaml, message, line, column, hint) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, int, int, string?>> BadCases =>
    [
        Bad("users is not a list", "users: ana\n", "\"users\" must be a list, not \"ana\"", 1, 8),
        Bad("misspelt user field", "users:\n  - id: ana\n    emial: a@example.com\n", "unknown field \"emial\"", 3, 5, "did you mean \"email\"?"),
        Bad("user without id", "users:\n  - name: Ana\n", "user has no \"id\"", 2, 5),
        Bad("hostile id", "users:\n  - id: 'ana; rm -rf /'\n", "user id \"ana; rm -rf /\" contains ';'", 2, 9),
        Bad("duplicate user", "users:\n  - id: ana\n  - id: ana\n", "user \"ana\" is defined twice", 3, 9),
        Bad("unknown user time zone", "users:\n  - id: ana\n    time_zone: Mars/Olympus\n", "unknown time zone \"Mars/Olympus\"", 3, 16),
        Bad("machine-local zone refused", "users:\n  - id: ana\n    time_zone: Local\n", "unknown time zone \"Local\"", 3, 16),
        Bad("unknown locale", "users:\n  - id: ana\n    locale: fr\n", "unknown locale \"fr\"", 3, 13, "use en or es"),
        Bad("bad email", "users:\n  - id: ana\n    email: not-an-email\n", "\"not-an-email\" is not an email address", 3, 12),
        Bad("contact type unknown", "users:\n  - id: ana\n    contact_methods:\n      - type: sms\n", "unknown contact method type \"sms\"", 4, 15),
        Bad("log with url", "users:\n  - id: ana\n    contact_methods:\n      - type: log\n        url: https://x.example\n", "a log contact method takes no \"url\": the page is written to Guardia's log", 5, 9),
        Bad("contact without type", "users:\n  - id: ana\n    contact_methods:\n      - address: a@example.com\n", "contact method has no \"type\"", 4, 9),
        Bad("webhook with url and url_file", "users:\n  - id: ana\n    contact_methods:\n      - type: webhook\n        url: http://127.0.0.1:9099/sms\n        url_file: /run/secrets/sms\n",
            "at most one of url & url_file must be configured", 6, 9),
        Bad("slack without url", "users:\n  - id: ana\n    contact_methods:\n      - type: slack\n", "slack contact method needs one of url or url_file", 4, 9),
        Bad("slack with ftp url", "users:\n  - id: ana\n    contact_methods:\n      - type: slack\n        url: ftp://hooks.example/x\n", "unsupported scheme \"ftp\" for URL in \"url\"", 5, 14),
        Bad("email with url", "users:\n  - id: ana\n    contact_methods:\n      - type: email\n        url: https://x.example\n", "an email contact method takes \"address\", not \"url\"", 5, 9),
        Bad("team member unknown", TwoUsers + "teams:\n  - id: t\n    members: [ana, bob]\n", "unknown user \"bob\"", 6, 20, "known users: ana, luis"),
        Bad("team member misspelt", TwoUsers + "teams:\n  - id: t\n    members: [ana, lius]\n", "unknown user \"lius\"", 6, 20, "did you mean \"luis\"?"),
        Bad("team member twice", TwoUsers + "teams:\n  - id: t\n    members: [ana, ana]\n", "user \"ana\" is listed twice in \"members\"", 6, 20),
        Bad("team lead not a member", TwoUsers + "teams:\n  - id: t\n    members: [ana]\n    lead: luis\n", "lead \"luis\" is not a member of team \"t\"", 7, 11),
        Bad("team without members", TwoUsers + "teams:\n  - id: t\n    members: []\n", "\"members\" is empty", 6, 14),
        Bad("duplicate team", Team + "  - id: t\n    members: [luis]\n", "team \"t\" is defined twice", 7, 9),
        Bad("service team unknown", Team + "services:\n  - id: s\n    team: ops\n    matchers: ['a=\"b\"']\n", "unknown team \"ops\"", 9, 11, "known teams: t"),
        Bad("service without matchers", Team + "services:\n  - id: s\n    team: t\n", "service \"s\" has no matchers", 8, 5),
        Bad("service bad matcher", Team + "services:\n  - id: s\n    team: t\n    matchers: ['service']\n", "bad matcher format: service in \"matchers\"", 10, 16),
        Bad("schedule unknown time zone", TwoUsers + "schedules:\n  - id: s\n    time_zone: Mars/Olympus\n", "unknown time zone \"Mars/Olympus\"", 6, 16),
        Bad("schedule without time zone", TwoUsers + "schedules:\n  - id: s\n    layers: []\n", "schedule \"s\" has no \"time_zone\"", 5, 5),
        Bad("schedule without layers", TwoUsers + "schedules:\n  - id: s\n    time_zone: UTC\n    layers: []\n", "schedule \"s\" has no layers", 7, 13),
        Bad("invalid length", Schedule + "        length: 1x\n        start: 2026-11-02T09:00\n        participants: [ana]\n", "not a valid duration string: \"1x\" in \"length\"", 9, 17),
        Bad("huge length", Schedule + "        length: 10000000w\n        start: 2026-11-02T09:00\n        participants: [ana]\n", "duration out of range in \"length\"", 9, 17),
        Bad("length under an hour", Schedule + "        length: 30m\n        start: 2026-11-02T09:00\n        participants: [ana]\n", "length 30m is shorter than one hour", 9, 17),
        Bad("unknown rotation", Schedule + "        rotation: monthly\n        start: 2026-11-02T09:00\n        participants: [ana]\n", "unknown rotation \"monthly\"", 9, 19),
        Bad("rotation and length", Schedule + "        rotation: weekly\n        length: 1w\n        start: 2026-11-02T09:00\n        participants: [ana]\n", "give either rotation (daily or weekly) or length, not both", 10, 9),
        Bad("neither rotation nor length", Schedule + "        start: 2026-11-02T09:00\n        participants: [ana]\n", "layer \"primary\" has neither rotation nor length", 8, 9),
        Bad("start with a space", Schedule + "        rotation: weekly\n        start: 2026-11-02 09:00\n        participants: [ana]\n", "\"2026-11-02 09:00\" is not a local date and time in \"start\"", 10, 16),
        Bad("start in month 13", Schedule + "        rotation: weekly\n        start: 2026-13-02T09:00\n        participants: [ana]\n", "\"2026-13-02T09:00\" is not a local date and time in \"start\"", 10, 16),
        Bad("start missing", Schedule + "        rotation: weekly\n        participants: [ana]\n", "layer \"primary\" has no \"start\"", 8, 9),
        Bad("empty participants", Schedule + "        rotation: weekly\n        start: 2026-11-02T09:00\n        participants: []\n", "\"participants\" is empty", 11, 23),
        Bad("participant misspelt", Schedule + "        rotation: weekly\n        start: 2026-11-02T09:00\n        participants: [ana, lius]\n", "unknown user \"lius\"", 11, 29, "did you mean \"luis\"?"),
        Bad("misspelt layer field", Schedule + "        rotation: weekly\n        start: 2026-11-02T09:00\n        participant: [ana]\n", "unknown field \"participant\"", 11, 9, "did you mean \"participants\"?"),
        Bad("duplicate layer", Schedule + Weekly + "      - name: primary\n" + Weekly, "layer \"primary\" is defined twice in schedule \"s\"", 12, 15),
        Bad("restriction bad day", Restricted + "          - days: [mon, funday]\n            from: \"09:00\"\n            to: \"18:00\"\n", "\"funday\" is not a day of the week", 13, 25),
        Bad("restriction hour 25", Restricted + "          - days: [mon]\n            from: \"25:00\"\n            to: \"18:00\"\n", "\"25:00\" is not a time of day in \"from\"", 14, 19),
        Bad("restriction from 24:00", Restricted + "          - from: \"24:00\"\n            to: \"18:00\"\n", "\"24:00\" is not a time of day in \"from\"", 13, 19),
        Bad("restriction empty window", Restricted + "          - from: \"09:00\"\n            to: \"09:00\"\n", "\"to\" equals \"from\", so the window is empty", 14, 17),
        Bad("restriction without to", Restricted + "          - from: \"09:00\"\n", "restriction has no \"to\"", 13, 13),
        Bad("override ends at its start", Schedule + Weekly + "    overrides:\n      - user: ana\n        start: 2026-11-24T09:00\n        end: 2026-11-24T09:00\n",
            "override ends before it starts", 15, 14),
        Bad("override ends before its start across zones", Schedule + Weekly + "    overrides:\n      - user: ana\n        start: 2026-11-24T09:00\n        end: 2026-11-24T13:00Z\n",
            "override ends before it starts", 15, 14),
        Bad("override unknown user", Schedule + Weekly + "    overrides:\n      - user: bob\n        start: 2026-11-24T09:00\n        end: 2026-11-25T09:00\n", "unknown user \"bob\"", 13, 15),
        Bad("override unknown layer", Schedule + Weekly + "    overrides:\n      - user: ana\n        layer: tertiary\n        start: 2026-11-24T09:00\n        end: 2026-11-25T09:00\n",
            "unknown layer \"tertiary\"", 14, 16, "known layers: primary"),
        Bad("override bad end", Schedule + Weekly + "    overrides:\n      - user: ana\n        start: 2026-11-24T09:00\n        end: tomorrow\n", "\"tomorrow\" is not a date and time in \"end\"", 15, 14),
        Bad("override without end", Schedule + Weekly + "    overrides:\n      - user: ana\n        start: 2026-11-24T09:00\n", "override has no \"end\"", 13, 9),
        Bad("duplicate schedule", Schedule + Weekly + "  - id: s\n    time_zone: UTC\n    layers:\n      - name: primary\n" + Weekly, "schedule \"s\" is defined twice", 12, 9),
    ];

    [Theory]
    [MemberData(nameof(BadCases))]
    public void Parse_RejectsBadInput_WithPosition(string yaml, string message, int line, int column, string? hint)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));
        Assert.Equal((message, line, column), (ex.Message, ex.Line, ex.Column));
        Assert.Equal("guardia.yml", ex.File);
        if (hint is not null)
        {
            Assert.Equal(hint, ex.Hint);
        }
    }
}
