using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Guardia.Bench.Scenarios;

/// <summary>Figures of one incidents run: N incidents opened at once, then escalated by N timers due together.</summary>
sealed record IncidentsResult
{
    public int Incidents { get; init; }

    /// <summary>The server's version from <c>GET /api/v2/status</c>.</summary>
    public string? Version { get; init; }

    public double EscalationTimeoutSeconds { get; init; }

    /// <summary>Waves the alerts were sent in (1: all at once), and the interval between them.</summary>
    public int Waves { get; init; }

    public double WaveIntervalSeconds { get; init; }

    public int Requests { get; init; }

    public int FailedRequests { get; init; }

    public string? FirstFailure { get; init; }

    /// <summary>First POST to the last response.</summary>
    public double? SendSeconds { get; init; }

    /// <summary>Incidents whose L1 page reached the sink.</summary>
    public int Opened { get; init; }

    /// <summary>First POST to the latest <c>created_at</c> among the incidents.</summary>
    public double? OpenSeconds { get; init; }

    /// <summary>First POST to the arrival of the last L1 page.</summary>
    public double? LastL1PageSeconds { get; init; }

    /// <summary>Whether the last incident opened before the first escalation was due (so the timers fired as one burst).</summary>
    public bool? AllOpenBeforeFirstDue { get; init; }

    public long RssBeforeBytes { get; init; }

    public long RssOpenBytes { get; init; }

    /// <summary>(RSS with every incident open − RSS before the first POST) / incidents opened.</summary>
    public double? RssBytesPerIncident { get; init; }

    /// <summary>Incidents whose L2 page reached the sink.</summary>
    public int Escalated { get; init; }

    /// <summary>L2 page arrival at the sink − (created_at + L1 timeout), nearest-rank percentiles.</summary>
    public double? LatenessP50Milliseconds { get; init; }

    public double? LatenessP99Milliseconds { get; init; }

    public double? LatenessMaxMilliseconds { get; init; }

    /// <summary>The engine's escalation step instant (next_due_at − L2 timeout) − (created_at + L1 timeout).</summary>
    public double? TimerP50Milliseconds { get; init; }

    public double? TimerP99Milliseconds { get; init; }

    public double? TimerMaxMilliseconds { get; init; }

    /// <summary>Last due instant − first due instant: the due timers are spread as the incidents opened.</summary>
    public double? DueSpreadSeconds { get; init; }

    /// <summary>First due instant to the arrival of the last L2 page.</summary>
    public double? EscalationSpanSeconds { get; init; }

    /// <summary>Server CPU from "every incident open" to "every incident escalated" (the server is idle otherwise).</summary>
    public double? EscalationCpuSeconds { get; init; }

    public int Pages { get; init; }

    public int DuplicatePages { get; init; }

    public int MalformedPages { get; init; }

    public string? FirstMalformed { get; init; }

    /// <summary>Incidents whose <c>GET /api/v1/incidents/{id}</c> was read for created_at and next_due_at.</summary>
    public int DetailsRead { get; init; }

    public string? Error { get; init; }

    public int NeverOpened => Incidents - Opened;

    public int NeverEscalated => Incidents - Escalated;
}

/// <summary>
/// Runs the real <c>guardia serve</c> with one user paged by webhook at an in-process sink, an escalation policy
/// L1 (timeout T1) then L2 of that user, and an incident policy that opens an incident per alert (group_by
/// <c>['...']</c>); posts N distinct alerts, waits until every incident is open and paged at L1, then until each is
/// paged at L2, and measures how late each L2 page arrived against its due instant (created_at + T1), the memory
/// per open incident and the time to open them all. Guardia only: nothing else on this machine escalates.
/// </summary>
static class IncidentsScenario
{
    /// <summary>L2's timeout: longer than any run, so nothing happens after the L2 page (and next_due_at − this is the step's instant).</summary>
    static readonly TimeSpan L2Timeout = TimeSpan.FromHours(24);

    /// <summary>Which wave an alert belongs to, when the burst is sent in waves.</summary>
    const string WaveLabel = "wave";

    const string Level1 = "L1 bench";
    const string Level2 = "L2 bench";

    /// <summary>
    /// The settings file. With one wave every incident follows policy <c>bench</c> (L1 <paramref name="l1Timeout"/>);
    /// with K waves, wave k (label <c>wave="k"</c>, posted k × <paramref name="waveInterval"/> after the first) follows
    /// <c>bench-wk</c>, whose L1 timeout is shorter by as much, so that every wave comes due at about the same instant.
    /// </summary>
    public static string Settings(Uri sink, TimeSpan l1Timeout, int waves, TimeSpan waveInterval)
    {
        var policies = new StringBuilder();
        var incidentPolicies = new StringBuilder();
        for (var k = 0; k < waves; k++)
        {
            var id = PolicyId(k, waves);
            var timeout = (long)L1Timeout(l1Timeout, waveInterval, k).TotalMilliseconds;
            policies.Append(CultureInfo.InvariantCulture, $$"""
                  - id: {{id}}
                    levels:
                      - name: {{Level1}}
                        targets: [{user: bench}]
                        timeout: {{timeout}}ms
                      - name: {{Level2}}
                        targets: [{user: bench}]
                        timeout: {{(long)L2Timeout.TotalHours}}h

                """);
            // One wave: a policy that matches every alert, as a real catch-all policy would.
            var matchers = waves == 1 ? string.Empty : $"\n    matchers: ['{WaveLabel}=\"{k}\"']";
            incidentPolicies.Append(CultureInfo.InvariantCulture, $"""
                  - name: {id}{matchers}
                    severity: P3
                    escalation_policy: {id}

                """);
        }
        return $$"""
            alertmanager:
              route:
                receiver: bench
                group_by: ['...']
                group_wait: 0s
                group_interval: 1h
                repeat_interval: 24h
              receivers:
                - name: bench
            users:
              - id: bench
                name: Bench Pager
                time_zone: UTC
                locale: en
                contact_methods:
                  - type: webhook
                    url: {{sink}}
            escalation_policies:
              - id: bench-warmup
                levels:
                  - name: L1 warm-up
                    targets: [{user: bench}]
                    timeout: 24h
            {{policies}}incident_policies:
              - name: bench-warmup
                matchers: ['bench="{{Workload.WarmupPhase}}"']
                severity: P3
                escalation_policy: bench-warmup
            {{incidentPolicies}}incidents:
              auto_resolve: false
              status_update_severities: []
            """;
    }

    /// <summary>The escalation (and incident) policy of wave <paramref name="k"/>.</summary>
    static string PolicyId(int k, int waves) => waves == 1 ? "bench" : "bench-w" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Wave k is posted k intervals after wave 0, so its L1 timeout is shorter by as much.</summary>
    static TimeSpan L1Timeout(TimeSpan l1Timeout, TimeSpan waveInterval, int k) => l1Timeout - (waveInterval * k);

    public static async Task<IncidentsResult> RunAsync(ServerCommand command, BenchOptions options, Action<string> log, CancellationToken ct)
    {
        var result = new IncidentsResult
        {
            Incidents = options.Incidents,
            EscalationTimeoutSeconds = options.EscalationTimeout.TotalSeconds,
            Waves = options.Waves,
            WaveIntervalSeconds = options.WaveInterval.TotalSeconds,
        };
        if (command.Flavor != ServerFlavor.Guardia)
        {
            return result with { Error = $"{command.Name} has no incidents: the incidents scenario needs Guardia" };
        }
        var work = Directory.CreateTempSubdirectory("guardia-bench-incidents-");
        ServerProcess? server = null;
        try
        {
            await using var sink = await PageSink.StartAsync(ct);
            var storage = Directory.CreateDirectory(Path.Combine(work.FullName, "data")).FullName;
            var settings = Path.Combine(work.FullName, "guardia.yml");
            await File.WriteAllTextAsync(settings, Settings(sink.Url, options.EscalationTimeout, options.Waves, options.WaveInterval), ct);
            var token = await CreateTokenAsync(command, storage, ct);
            log($"{command.Name}: incidents: starting {command.Display} (storage {storage})");
            server = await ServerProcess.StartAsync(command, FreePort.Next(), storage, settings, options.ReadyTimeout, ct);
            using (var status = new AlertsApi(server.BaseAddress, 1))
            {
                result = result with { Version = await status.VersionAsync(ct) };
            }
            result = await MeasureAsync(server, sink, token, options, result, log, ct);
            await server.StopAsync(options.ReadyTimeout, ct);
            return result;
        }
        catch (Exception e) when (e is BenchException or HttpRequestException or IOException or JsonException)
        {
            var message = e is BenchException || server is null
                ? e.Message
                : $"{command.Name} (pid {server.Pid}, {server.State()}): {e.Message}\n{server.Tail()}";
            TargetRun.Loud(message);
            return result with { Error = message };
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is not worth failing the run for.
            }
        }
    }

    static async Task<IncidentsResult> MeasureAsync(
        ServerProcess server, PageSink sink, string token, BenchOptions options, IncidentsResult result, Action<string> log, CancellationToken ct)
    {
        var name = server.Command.Name;
        var n = options.Incidents;
        var t1 = options.EscalationTimeout;
        using var api = new AlertsApi(server.BaseAddress, options.Connections);
        using var http = IncidentClient(server.BaseAddress, token, options.Connections);

        // Warm-up: incidents of their own policy (L1 timeout 24 h, so they never escalate during the run), paged
        // and read back through the API, so that a JIT-compiled server is measured in its steady state.
        var warmupCount = 10 * options.Connections;
        var now = TimeProvider.System.GetUtcNow();
        var warmupBodies = Bodies(warmupCount, 10, now, Workload.WarmupPhase, "BenchWarmup", wave: false);
        var warm = await Notify.SendAsync(api, warmupBodies, options.Connections, new long[warmupBodies.Length], interval: null, TimeSpan.FromSeconds(120), ct);
        server.EnsureRunning("the incidents warm-up");
        if (warm.Failed > 0)
        {
            throw new BenchException($"{name} rejected incidents warm-up requests ({warm.Failed} of {warmupBodies.Length}): {warm.First}\n{server.Tail()}");
        }
        await Notify.WaitAsync(server, () => sink.CountAtLevel(1) >= warmupCount, options.WarmupNotifyTimeout, ct);
        var warmup = sink.AtLevel(1).Select(p => p.Incident).ToHashSet();
        if (warmup.Count < warmupCount)
        {
            throw new BenchException(
                $"{name} NEVER PAGED: {warmup.Count} of {warmupCount} warm-up incidents paged at {sink.Url} within {options.WarmupNotifyTimeout.TotalSeconds:0} s " +
                $"({sink.Pages} requests, {sink.Malformed} malformed; first: {sink.FirstMalformed ?? "none"}).\n{server.Tail()}");
        }
        await ReadIncidentsAsync(http, warmup, options.Connections, TimeSpan.FromSeconds(120), ct);
        log($"{name}: incidents warm-up: {warmupCount} incidents opened, paged and read back");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        // The burst: N alerts, each its own group, each group its own incident, all open before the first timer is due.
        // With waves, one body per wave, body k sent k intervals after the first: the send is paced, not as fast as possible.
        var waves = options.Waves;
        var batch = waves == 1 ? options.Batch : (n + waves - 1) / waves;
        TimeSpan? pace = waves == 1 ? null : options.WaveInterval;
        var bodies = Bodies(n, batch, TimeProvider.System.GetUtcNow(), "incident", "BenchIncident", wave: waves > 1);
        var before = ProcStats.Sample(server.Pid);
        log($"{name}: incidents: posting {n:N0} alerts in {bodies.Length:N0} requests over {options.Connections} connections; L1 timeout {t1.TotalSeconds:0} s; RSS {before.RssBytes / 1048576.0:0.0} MiB");
        var firstPost = TimeProvider.System.GetUtcNow();
        var sent = await Notify.SendAsync(api, bodies, options.Connections, new long[bodies.Length], pace, t1 + TimeSpan.FromSeconds(120), ct);
        server.EnsureRunning($"the incidents POSTs ({sent.Failed} of {bodies.Length} requests failed; first: {sent.First})");
        result = result with
        {
            Requests = bodies.Length,
            FailedRequests = sent.Failed,
            FirstFailure = sent.First,
            SendSeconds = sent.Elapsed.TotalSeconds,
            RssBeforeBytes = before.RssBytes,
        };
        log($"{name}: incidents: sent in {sent.Elapsed.TotalSeconds:0.00} s; waiting up to {(t1 + options.NotifyTimeout).TotalSeconds:0} s for every L1 page");
        await Notify.WaitAsync(server, () => sink.CountAtLevel(1) - warmup.Count >= n, t1 + options.NotifyTimeout, ct);
        var opened = sink.AtLevel(1).Where(p => !warmup.Contains(p.Incident)).ToList();
        var open = ProcStats.Sample(server.Pid);
        result = result with
        {
            Opened = opened.Count,
            LastL1PageSeconds = opened.Count == 0 ? null : (opened.Max(p => p.ArrivedAt) - firstPost).TotalSeconds,
            RssOpenBytes = open.RssBytes,
            RssBytesPerIncident = opened.Count == 0 ? null : (open.RssBytes - before.RssBytes) / (double)opened.Count,
        };
        log($"{name}: incidents: {opened.Count:N0} of {n:N0} open and paged at L1 after {result.LastL1PageSeconds:0.00} s; RSS {open.RssBytes / 1048576.0:0.0} MiB; waiting for L2 pages");

        // Every L2 page is due T1 after its incident opened; wait for the last one, bounded.
        var ids = opened.Select(p => p.Incident).ToHashSet();
        var l2Deadline = t1 + options.NotifyTimeout;
        await Notify.WaitAsync(server, () => sink.CountAtLevel(2) >= ids.Count, l2Deadline, ct);
        var escalatedCpu = ProcStats.Sample(server.Pid);
        var l2 = ids.Select(id => sink.First(id, 2)).OfType<PageArrival>().ToDictionary(p => p.Incident);
        log($"{name}: incidents: {l2.Count:N0} of {ids.Count:N0} escalated to L2; reading created_at and next_due_at of each");

        var details = await ReadIncidentsAsync(http, ids, options.Connections, TimeSpan.FromSeconds(300), ct);
        var lateness = new List<double>();
        var timer = new List<double>();
        DateTimeOffset? firstDue = null, lastDue = null, lastCreated = null, lastL2 = null;
        var timeouts = Enumerable.Range(0, waves).ToDictionary(k => PolicyId(k, waves), k => L1Timeout(t1, options.WaveInterval, k));
        foreach (var (id, (created, nextDue, policy)) in details)
        {
            var due = created + timeouts.GetValueOrDefault(policy ?? string.Empty, t1);
            firstDue = firstDue is { } f && f < due ? f : due;
            lastDue = lastDue is { } ld && ld > due ? ld : due;
            lastCreated = lastCreated is { } c && c > created ? c : created;
            if (l2.TryGetValue(id, out var page))
            {
                lateness.Add((page.ArrivedAt - due).TotalMilliseconds);
                lastL2 = lastL2 is { } l && l > page.ArrivedAt ? l : page.ArrivedAt;
            }
            if (nextDue is { } next)
            {
                timer.Add((next - L2Timeout - due).TotalMilliseconds);
            }
        }
        lateness.Sort();
        timer.Sort();
        return result with
        {
            Escalated = l2.Count,
            OpenSeconds = lastCreated is { } lc ? (lc - firstPost).TotalSeconds : null,
            AllOpenBeforeFirstDue = lastCreated is { } last && firstDue is { } first ? last < first : null,
            LatenessP50Milliseconds = Percentile(lateness, 0.50),
            LatenessP99Milliseconds = Percentile(lateness, 0.99),
            LatenessMaxMilliseconds = Percentile(lateness, 1.0),
            TimerP50Milliseconds = Percentile(timer, 0.50),
            TimerP99Milliseconds = Percentile(timer, 0.99),
            TimerMaxMilliseconds = Percentile(timer, 1.0),
            DueSpreadSeconds = firstDue is { } f1 && lastDue is { } l1 ? (l1 - f1).TotalSeconds : null,
            EscalationSpanSeconds = firstDue is { } fd && lastL2 is { } ll ? (ll - fd).TotalSeconds : null,
            EscalationCpuSeconds = escalatedCpu.CpuSecondsSince(open),
            Pages = sink.Pages,
            DuplicatePages = sink.Duplicates,
            MalformedPages = sink.Malformed,
            FirstMalformed = sink.FirstMalformed,
            DetailsRead = details.Count,
        };
    }

    /// <summary>POST bodies of firing alerts with distinct label sets: each is a group, and an incident, of its own.</summary>
    static byte[][] Bodies(int count, int batch, DateTimeOffset now, string phase, string alertname, bool wave)
    {
        var bodies = new byte[(count + batch - 1) / batch][];
        for (var r = 0; r < bodies.Length; r++)
        {
            var first = r * batch;
            bodies[r] = Notify.Body(Math.Min(batch, count - first), now, (w, i) =>
            {
                w.WriteString("alertname", alertname);
                w.WriteString("id", (first + i).ToString(CultureInfo.InvariantCulture));
                w.WriteString("bench", phase);
                if (wave)
                {
                    w.WriteString(WaveLabel, r.ToString(CultureInfo.InvariantCulture));
                }
            });
        }
        return bodies;
    }

    /// <summary><c>guardia token create</c> on the storage before the server starts: the secret of a viewer token.</summary>
    static async Task<string> CreateTokenAsync(ServerCommand command, string storage, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in command.PrefixArgs.Concat(["token", "create", "--storage.path", storage, "--name", "bench", "--role", "viewer"]))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi) ?? throw new BenchException($"Could not start {command.Display} token create.");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            var secret = (await stdout).Trim();
            if (process.ExitCode != 0 || secret.Length == 0 || secret.Contains('\n', StringComparison.Ordinal))
            {
                throw new BenchException($"`{command.Display} token create` failed with code {process.ExitCode}: {(await stderr).Trim()} {secret}");
            }
            return secret;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchException($"`{command.Display} token create` did not finish within 60 s; killed it.");
        }
    }

    static HttpClient IncidentClient(Uri baseAddress, string token, int connections)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Reads <c>created_at</c> and <c>escalation.next_due_at</c> of each incident, bounded by <paramref name="limit"/>.</summary>
    static async Task<Dictionary<string, (DateTimeOffset Created, DateTimeOffset? NextDue, string? Policy)>> ReadIncidentsAsync(
        HttpClient http, HashSet<string> ids, int connections, TimeSpan limit, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset, DateTimeOffset?, string?)>();
        try
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = connections, CancellationToken = cts.Token }, async (id, token) =>
            {
                using var response = await http.GetAsync("api/v1/incidents/" + Uri.EscapeDataString(id), token);
                var text = await response.Content.ReadAsStringAsync(token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchException($"GET /api/v1/incidents/{id} answered HTTP {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
                }
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var created = DateTimeOffset.Parse(root.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture);
                DateTimeOffset? next = root.TryGetProperty("escalation", out var e) && e.TryGetProperty("next_due_at", out var d) && d.ValueKind == JsonValueKind.String
                    ? DateTimeOffset.Parse(d.GetString()!, CultureInfo.InvariantCulture)
                    : null;
                var policy = root.TryGetProperty("escalation_policy", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                found[id] = (created, next, policy);
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BenchException($"Reading {ids.Count:N0} incidents did not finish within {limit.TotalSeconds:0} s ({found.Count:N0} read).");
        }
        return found.ToDictionary();
    }

    static double? Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
