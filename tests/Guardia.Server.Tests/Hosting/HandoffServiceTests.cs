using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Paging;
using Guardia.Server.Hosting;
using Guardia.Server.Observability;
using Guardia.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Server.Tests.Hosting;

/// <summary>The handoff timer against the real configuration loader, SQLite stores and a webhook sink on 127.0.0.1.</summary>
public sealed class HandoffServiceTests : IAsyncLifetime
{
    // Monday 2026-11-23 12:00 UTC; ana holds the weekly primary, luis overrides it from 13:00 to 15:00 UTC.
    static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    readonly string _dir = Directory.CreateTempSubdirectory("guardia-handoff-").FullName;
    readonly Sink _sink = new();
    readonly FakeTimeProvider _time = new(Noon);
    readonly NotifierHttpClients _clients = new();
    readonly List<object> _owned = [];

    string ConfigFile => Path.Combine(_dir, "guardia.yml");

    static string Settings(string sink, string overrides = """
              - user: luis
                start: 2026-11-23T13:00:00Z
                end: 2026-11-23T15:00:00Z
        """) => $$"""
        alertmanager:
          route:
            receiver: default
          receivers:
            - name: default
        users:
          - id: ana
            name: Ana Torres
            time_zone: America/Lima
            locale: es
            contact_methods:
              - type: webhook
                url: {{sink}}/ana
          - id: luis
            name: Luis Rojas
            time_zone: America/Lima
            locale: en
            contact_methods:
              - type: webhook
                url: {{sink}}/luis
        schedules:
          - id: platform
            name: Plataforma
            time_zone: America/Lima
            layers:
              - name: primary
                rotation: weekly
                start: 2026-01-05T09:00
                participants: [ana]
            overrides:
        {{overrides}}
        """;

    public ValueTask InitializeAsync()
    {
        File.WriteAllText(ConfigFile, Settings(_sink.Url));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_owned))
        {
            if (d is IAsyncDisposable a)
            {
                await a.DisposeAsync();
            }
            else
            {
                ((IDisposable)d).Dispose();
            }
        }
        _clients.Dispose();
        await _sink.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A server's worth of handoff service over the shared storage directory: what a restart creates anew.</summary>
    async Task<(HandoffService Service, ConfigHolder Config, AlertStore Alerts, IncidentService Incidents)> StartAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new ServeOptions { StoragePath = _dir, ConfigFile = ConfigFile };
        var config = new ConfigHolder(options, _time, NullLogger<ConfigHolder>.Instance);
        Assert.Null(config.Reload());
        var sender = new ContactSender(_clients, () => config.Current.Config.Global, _time);
        var metrics = new IncidentMetrics();
        var incidents = new IncidentService(config, new ContactPager(config, sender, options, metrics, _time, NullLogger<ContactPager>.Instance),
            new OnCallTargets(config), options, _time, metrics, NullLogger<IncidentService>.Instance);
        _owned.Add(incidents);
        await incidents.StartAsync(ct);
        var journal = new SqliteAlertJournal(SqliteDatabase.Open(_dir));
        _owned.Add(journal);
        var alerts = new AlertStore(journal);
        await alerts.LoadAsync(ct);
        var service = new HandoffService(config, sender, alerts, incidents, options, _time, NullLogger<HandoffService>.Instance);
        _owned.Add(service);
        await service.StartAsync(ct);
        await service.IdleAsync();
        return (service, config, alerts, incidents);
    }

    async Task AdvanceToAsync(HandoffService service, DateTimeOffset to)
    {
        _time.Advance(to - _time.GetUtcNow());
        await service.IdleAsync();
    }

    [Fact]
    public async Task Timer_SendsReportAtTheExactHandoff_NotOneMillisecondBefore_InEachPersonsLanguage()
    {
        var (service, _, alerts, incidents) = await StartAsync();
        await alerts.PutAsync([new Alert { Labels = LabelSet.Of(("alertname", "DiskFull")), StartsAt = Noon, UpdatedAt = Noon }], Noon);
        await AdvanceToAsync(service, Noon.AddMinutes(30));
        var ct = TestContext.Current.CancellationToken;
        var created = await incidents.Engine.CreateAsync(new IncidentDraft { Title = "Pagos lentos", Severity = Severity.P2 }, "ana", ct);
        var resolved = await incidents.Engine.CreateAsync(new IncidentDraft { Title = "Cola atascada", Severity = Severity.P3 }, "ana", ct);
        await incidents.Engine.ResolveAsync(resolved.Id, "ana", ct);

        await AdvanceToAsync(service, Noon.AddHours(1).AddMilliseconds(-1));
        Assert.Empty(_sink.Requests);

        await AdvanceToAsync(service, Noon.AddHours(1));
        Assert.Equal(2, _sink.Requests.Count);
        var ana = _sink.Single("/ana");
        Assert.Equal("handoff", ana.GetProperty("kind").GetString());
        Assert.Equal("outgoing", ana.GetProperty("role").GetString());
        Assert.Equal("platform", ana.GetProperty("schedule").GetString());
        Assert.Equal("primary", ana.GetProperty("layer").GetString());
        Assert.Equal("ana", ana.GetProperty("outgoing").GetString());
        Assert.Equal("luis", ana.GetProperty("incoming").GetString());
        Assert.Equal(1, ana.GetProperty("alerts_firing").GetInt32());
        Assert.Equal(2, ana.GetProperty("incidents_during_shift").GetInt32());
        Assert.Equal(1, ana.GetProperty("incidents_open").GetInt32());
        Assert.Contains($"- {created.Id} [P2] disparado: Pagos lentos", ana.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains($"- {resolved.Id} [P3] resuelto: Cola atascada", ana.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            ana.GetProperty("at").GetDateTimeOffset());
        Assert.StartsWith("Relevo Plataforma/primary: 1 incidente abierto, 1 alerta activa", ana.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("Tu guardia en Plataforma/primary terminó a las 2026-11-23 08:00", ana.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("DiskFull ×1", ana.GetProperty("text").GetString(), StringComparison.Ordinal);
        var luis = _sink.Single("/luis");
        Assert.Equal("incoming", luis.GetProperty("role").GetString());
        Assert.StartsWith("Handoff Plataforma/primary: 1 open incident, 1 alert firing", luis.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("You are on call for Plataforma/primary from 2026-11-23 08:00, taking over from ana.", luis.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Your shift ends: 2026-11-23 10:00", luis.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The next handoff (luis back to ana at 15:00) is armed too.
        await AdvanceToAsync(service, Noon.AddHours(3));
        Assert.Equal(4, _sink.Requests.Count);
        Assert.Equal("incoming", _sink.Bodies("/ana")[1].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Restart_ReportsTheMissedHandoffOnce_AndNothingTwice()
    {
        var (first, _, _, _) = await StartAsync();
        await AdvanceToAsync(first, Noon.AddHours(1));
        Assert.Equal(2, _sink.Requests.Count);
        await first.StopAsync(TestContext.Current.CancellationToken);

        // Down from 13:00 to 16:00: the 15:00 handoff is missed and reported once at start.
        _time.Advance(TimeSpan.FromHours(3));
        var (second, _, _, _) = await StartAsync();
        await second.IdleAsync();
        Assert.Equal(4, _sink.Requests.Count);
        Assert.Equal("outgoing", _sink.Bodies("/luis")[1].GetProperty("role").GetString());
        Assert.Equal("2026-11-23T15:00:00.0000000+00:00", _sink.Bodies("/luis")[1].GetProperty("at").GetString());
        await second.StopAsync(TestContext.Current.CancellationToken);

        // A restart right after: nothing is reported again.
        var (third, _, _, _) = await StartAsync();
        await third.IdleAsync();
        Assert.Equal(4, _sink.Requests.Count);
    }

    [Fact]
    public async Task Restart_ReportsOnlyTheLatestHandoffOfALayer_WhenSeveralWereMissed()
    {
        var (first, _, _, _) = await StartAsync();
        await first.StopAsync(TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromHours(4));
        var (second, _, _, _) = await StartAsync();
        await second.IdleAsync();
        Assert.Equal(2, _sink.Requests.Count);
        Assert.Equal("luis", _sink.Single("/ana").GetProperty("outgoing").GetString());
        Assert.Equal("incoming", _sink.Single("/ana").GetProperty("role").GetString());
    }

    [Fact]
    public async Task FirstStart_ReportsNothingOld_AndRecordsNow()
    {
        _time.Advance(TimeSpan.FromHours(4));
        var (service, _, _, _) = await StartAsync();
        await service.IdleAsync();
        Assert.Empty(_sink.Requests);
        Assert.Equal(_time.GetUtcNow(), service.ProcessedUpTo);
        Assert.True(File.Exists(Path.Combine(_dir, HandoffService.StateFile)));
    }

    [Fact]
    public async Task Timer_ReportsEachLayerChange_WhenTwoLayersHandOffAtTheSameInstant()
    {
        var swapped = Settings(_sink.Url).Replace(
            "        participants: [ana]\n",
            "        participants: [ana]\n      - name: secondary\n        rotation: weekly\n        start: 2026-01-05T09:00\n        participants: [luis]\n",
            StringComparison.Ordinal)
            + "\n      - user: ana\n        layer: secondary\n        start: 2026-11-23T13:00:00Z\n        end: 2026-11-23T15:00:00Z\n";
        Assert.Contains("- name: secondary", swapped, StringComparison.Ordinal);
        await File.WriteAllTextAsync(ConfigFile, swapped, TestContext.Current.CancellationToken);
        var (service, _, _, _) = await StartAsync();

        await AdvanceToAsync(service, Noon.AddHours(1));
        Assert.Equal(4, _sink.Requests.Count);
        Assert.Equal(["primary/outgoing", "secondary/incoming"],
            _sink.Bodies("/ana").Select(b => $"{b.GetProperty("layer").GetString()}/{b.GetProperty("role").GetString()}").Order(StringComparer.Ordinal));
        Assert.Equal(["primary/incoming", "secondary/outgoing"],
            _sink.Bodies("/luis").Select(b => $"{b.GetProperty("layer").GetString()}/{b.GetProperty("role").GetString()}").Order(StringComparer.Ordinal));
    }

    public static IEnumerable<TheoryDataRow<string, string>> BadStates =>
    [
        new("garbage", "not a date") { TestDisplayName = "garbage" },
        new("empty", string.Empty) { TestDisplayName = "empty" },
        new("binary", "\0\u0001\u00ff2026-11-23") { TestDisplayName = "binary" },
        new("date only", "2026-11-23") { TestDisplayName = "date without time" },
    ];

    [Theory]
    [MemberData(nameof(BadStates))]
    public async Task Start_TreatsAnUnreadableStateFileAsAFirstStart(string name, string content)
    {
        _time.Advance(TimeSpan.FromHours(4));
        await File.WriteAllTextAsync(Path.Combine(_dir, HandoffService.StateFile), content, TestContext.Current.CancellationToken);
        var (service, _, _, _) = await StartAsync();
        await service.IdleAsync();
        Assert.Empty(_sink.Requests);
        Assert.Equal(_time.GetUtcNow(), service.ProcessedUpTo);
        var text = await File.ReadAllTextAsync(Path.Combine(_dir, HandoffService.StateFile), TestContext.Current.CancellationToken);
        Assert.True(DateTimeOffset.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out _), name);
    }

    [Fact]
    public async Task Reload_RearmsTheTimer_ForTheNewSchedule()
    {
        // Without overrides nobody changes until next Monday 09:00 Lima.
        await File.WriteAllTextAsync(ConfigFile, Settings(_sink.Url, "      []"), TestContext.Current.CancellationToken);
        var (service, config, _, _) = await StartAsync();
        await AdvanceToAsync(service, Noon.AddMinutes(5));

        await File.WriteAllTextAsync(ConfigFile, Settings(_sink.Url, """
                  - user: luis
                    start: 2026-11-23T12:10:00Z
                    end: 2026-11-23T12:20:00Z
            """), TestContext.Current.CancellationToken);
        Assert.Null(config.Reload());
        await service.IdleAsync();

        await AdvanceToAsync(service, Noon.AddMinutes(10).AddMilliseconds(-1));
        Assert.Empty(_sink.Requests);
        await AdvanceToAsync(service, Noon.AddMinutes(10));
        Assert.Equal(2, _sink.Requests.Count);
        Assert.Equal("incoming", _sink.Single("/luis").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Reload_DoesNotReportAnOverrideThatStartedBeforeIt()
    {
        await File.WriteAllTextAsync(ConfigFile, Settings(_sink.Url, "      []"), TestContext.Current.CancellationToken);
        var (service, config, _, _) = await StartAsync();
        await AdvanceToAsync(service, Noon.AddMinutes(30));

        // Written at 12:30 for a swap that began at 12:00: never due while this configuration ran.
        await File.WriteAllTextAsync(ConfigFile, Settings(_sink.Url, """
                  - user: luis
                    start: 2026-11-23T12:00:00Z
                    end: 2026-11-23T13:00:00Z
            """), TestContext.Current.CancellationToken);
        Assert.Null(config.Reload());
        await service.IdleAsync();
        Assert.Empty(_sink.Requests);

        await AdvanceToAsync(service, Noon.AddHours(1));
        Assert.Equal(2, _sink.Requests.Count);
        Assert.Equal("outgoing", _sink.Single("/luis").GetProperty("role").GetString());
    }

    /// <summary>A webhook receiver on 127.0.0.1 recording each request's path and JSON body.</summary>
    sealed class Sink : IAsyncDisposable
    {
        readonly HttpListener _listener;
        readonly ConcurrentQueue<(string Path, JsonElement Body)> _requests = new();
        readonly Task _loop;

        public Sink()
        {
            _listener = LoopbackPorts.StartHttpListener(out var port);
            Url = $"http://127.0.0.1:{port}";
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public IReadOnlyList<(string Path, JsonElement Body)> Requests => [.. _requests];

        public IReadOnlyList<JsonElement> Bodies(string path) => [.. _requests.Where(r => r.Path == path).Select(r => r.Body)];

        public JsonElement Single(string path) => Assert.Single(Bodies(path));

        async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = await reader.ReadToEndAsync();
                    _requests.Enqueue((context.Request.Url!.AbsolutePath, JsonDocument.Parse(body).RootElement.Clone()));
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}
