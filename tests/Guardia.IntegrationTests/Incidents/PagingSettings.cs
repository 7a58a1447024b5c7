namespace Guardia.IntegrationTests.Incidents;

/// <summary>The settings file of the paging tests: Ana on call in a weekly rotation (L1), Luis as team lead (L2), both
/// reached at webhooks under <c>{sink}/sms/</c>; critical alerts open P1 incidents.</summary>
static class PagingSettings
{
    public static string Yaml(string sink, string escalationTimeout = "6s", string statusUpdate = "", string overrides = "") => $$"""
        alertmanager:
          route:
            receiver: default
            group_by: [alertname]
            group_wait: 1s
            group_interval: 2s
          receivers:
            - name: default
        users:
          - id: ana
            name: Ana Torres
            time_zone: America/Lima
            locale: es
            contact_methods:
              - type: webhook
                url: {{sink}}/sms/ana
          - id: luis
            name: Luis Rojas
            time_zone: America/Lima
            locale: en
            contact_methods:
              - type: webhook
                url: {{sink}}/sms/luis
        schedules:
          - id: platform-weekly
            name: Plataforma semanal
            time_zone: America/Lima
            layers:
              - name: primary
                rotation: weekly
                start: 2026-01-05T09:00
                participants: [ana]
        {{overrides}}
        escalation_policies:
          - id: tiendi
            levels:
              - name: L1 on-call engineer
                targets: [{schedule: platform-weekly}]
                timeout: {{escalationTimeout}}
              - name: L2 team lead
                targets: [{user: luis}]
                timeout: 10m
        incident_policies:
          - name: critical
            matchers: ['severity="critical"']
            severity:
              label: severity
              map: {critical: P1}
            escalation_policy: tiendi
        incidents:
          auto_resolve: true
        {{statusUpdate}}
        """;
}
