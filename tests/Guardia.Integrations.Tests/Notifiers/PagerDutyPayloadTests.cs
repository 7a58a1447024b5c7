using Guardia.Core.Configuration;
using Guardia.Integrations.Notifiers.PagerDuty;
using static Guardia.Integrations.Tests.Notifiers.NotifierTestData;

namespace Guardia.Integrations.Tests.Notifiers;

public sealed class PagerDutyPayloadTests
{
    // sha256 of NotifierTestData.GroupKey, as Alertmanager's Key.Hash computes it.
    static readonly string Dedup = PagerDutyNotifier.DedupKey(GroupKey);

    static readonly PagerDutyConfig Seed = new() { Severity = "critical", Description = "{{ .GroupLabels.alertname }}" };

    static TheoryDataRow<string, PagerDutyConfig, bool, bool, string, string?> Row(string name, PagerDutyConfig config, bool v1, bool resolved, string path, string? expected) =>
        new(name, config, v1, resolved, path, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, PagerDutyConfig, bool, bool, string, string?>> Cases =>
    [
        Row("v2 routing key",                 Seed, false, false, "routing_key", "rk"),
        Row("v2 trigger",                     Seed, false, false, "event_action", "trigger"),
        Row("v2 resolve",                     Seed, false, true, "event_action", "resolve"),
        Row("v2 summary from description",    Seed, false, false, "payload.summary", "HighErrorRate"),
        Row("v2 severity",                    Seed, false, false, "payload.severity", "critical"),
        Row("v2 severity defaults to error",  new PagerDutyConfig(), false, false, "payload.severity", "error"),
        Row("v2 source defaults to client",   new PagerDutyConfig(), false, false, "payload.source", "Alertmanager"),
        Row("v2 default summary",             new PagerDutyConfig(), false, false, "payload.summary", "[FIRING:2] HighErrorRate prod checkout (critical)"),
        Row("v2 num_firing detail",           new PagerDutyConfig(), false, false, "payload.custom_details.num_firing", "2"),
        Row("v2 client",                      new PagerDutyConfig(), false, false, "client", "Alertmanager"),
        Row("v2 client url",                  new PagerDutyConfig(), false, false, "client_url", "http://guardia:9093/#/alerts?receiver=slack-critical"),
        Row("v2 empty class omitted",         Seed, false, false, "payload.class", null),
        Row("v2 class rendered",              Seed with { Class = "{{ .CommonLabels.cluster }}" }, false, false, "payload.class", "prod"),
        Row("v2 link without href dropped",   Seed with { Links = [new PagerDutyLink("", "x"), new PagerDutyLink("https://rb", "Runbook")] }, false, false, "links", "[{\"href\":\"https://rb\",\"text\":\"Runbook\"}]"),
        Row("v2 image without src dropped",   Seed with { Images = [new PagerDutyImage("", "a", "h")] }, false, false, "images", null),
        Row("v1 service key",                 Seed, true, false, "service_key", "sk"),
        Row("v1 trigger",                     Seed, true, false, "event_type", "trigger"),
        Row("v1 resolve",                     Seed, true, true, "event_type", "resolve"),
        Row("v1 description",                 Seed, true, false, "description", "HighErrorRate"),
        Row("v1 client on trigger",           Seed, true, false, "client", "Alertmanager"),
        Row("v1 no client on resolve",        Seed, true, true, "client", null),
        Row("v1 empty event_action kept",     Seed, true, false, "event_action", ""),
        Row("v1 payload null",                Seed, true, false, "payload", null),
        Row("v1 no routing key",              Seed, true, false, "routing_key", null),
        Row("description truncated",          Seed with { Description = new string('x', 2000) }, false, false, "payload.summary", new string('x', 1021) + "..."),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BuildPayload_RendersField_AsAlertmanager(string name, PagerDutyConfig config, bool v1, bool resolved, string path, string? expected)
    {
        _ = name;
        var request = Request(resolved);
        var data = request.ToTemplateData();
        var tmpl = Text(request);

        var payload = PagerDutyNotifier.BuildPayload(config, tmpl, data.Status, request.GroupKey, v1 ? null : "rk", v1 ? "sk" : null);

        Assert.Null(tmpl.Error);
        Assert.Equal(expected, SlackPayloadTests.Select(payload, path));
    }

    [Theory]
    [InlineData(false, "dedup_key")]
    [InlineData(true, "incident_key")]
    public void BuildPayload_UsesGroupKeyHash_AsDedupKey(bool v1, string field)
    {
        var request = Request();
        var payload = PagerDutyNotifier.BuildPayload(Seed, Text(request), "firing", request.GroupKey, v1 ? null : "rk", v1 ? "sk" : null);

        Assert.Equal(Dedup, SlackPayloadTests.Select(payload, field));
    }

    [Fact]
    public void DedupKey_IsSha256Hex_OfGroupKey()
    {
        // echo -n '{}:{alertname="X"}' | sha256sum
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}:{alertname=\"X\"}"u8)),
            PagerDutyNotifier.DedupKey("{}:{alertname=\"X\"}"));
        Assert.Equal(64, Dedup.Length);
    }

    [Fact]
    public void BuildPayload_ReplacesDetails_WhenEventExceeds512KB()
    {
        var config = Seed with { Details = new Dictionary<string, string> { ["big"] = new string('x', 600_000) } };
        var request = Request();

        var payload = PagerDutyNotifier.BuildPayload(config, Text(request), "firing", request.GroupKey, "rk", null);

        Assert.Equal("Custom details have been removed because the original event exceeds the maximum size of 512KB", SlackPayloadTests.Select(payload, "payload.custom_details.error"));
    }
}
