using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>promql</c> steps against a Prometheus-compatible HTTP API (<c>/api/v1/query</c> and, for a trend,
/// <c>/api/v1/query_range</c>). The body is the query; a parameter appears only as a whole double-quoted label value,
/// <c>job="{job}"</c>, and is written as an escaped PromQL string (regex-quoted too after <c>=~</c> or <c>!~</c>), so it
/// can never end the string. Attributes: <c>condition</c> (see <see cref="PromQlCondition"/>; without one the step
/// succeeds when the query runs) and <c>datasource</c> (a name under <c>prometheus:</c>, default <c>default</c>).</summary>
public sealed partial class PromQlStepExecutor : IStepExecutor
{
    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;
    readonly HttpClient _http;

    /// <summary>Creates the executor.</summary>
    public PromQlStepExecutor(RunbookActionOptions options, TimeProvider time, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _http = http ?? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["promql"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var query = BindQuery(request, dryRun: true);
            var condition = Condition(request);
            var sb = new StringBuilder();
            sb.Append("query ").Append(Base(request)).Append(": ").Append(query);
            if (condition is not null)
            {
                sb.Append("\ncondition: ").Append(condition);
            }
            return sb.ToString();
        }
        catch (StepRejectedException ex)
        {
            return "refused: " + ex.Message;
        }
    }

    /// <inheritdoc/>
    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        StepRun.RunAsync(request, _options, _time, async (output, ct) =>
        {
            var query = BindQuery(request, dryRun: false);
            var condition = Condition(request);
            var baseUri = Base(request);
            var now = _time.GetUtcNow();
            var at = Seconds(now);
            output.Append($"query: {query}\n");
            var (data, error) = await GetAsync(baseUri, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={at}", ct);
            if (error is not null)
            {
                return StepEnd.Failure(error);
            }
            var samples = InstantSamples(data);
            var failures = new List<string>();
            foreach (var (labels, value) in samples)
            {
                var ok = condition?.Compare(value) ?? true;
                output.Append($"{labels} {PromQlCondition.Format(value)}{(condition?.Operator is null ? string.Empty : ok ? "  ok" : "  FAILS " + condition.Operator + " " + PromQlCondition.Format(condition.Threshold))}\n");
                if (!ok)
                {
                    failures.Add($"{labels} is {PromQlCondition.Format(value)}");
                }
            }
            if (condition is null)
            {
                return StepEnd.Success();
            }
            if (samples.Count == 0)
            {
                return StepEnd.Failure("the query returned no series, so the condition cannot hold");
            }
            if (condition.Trend != PromQlTrend.None)
            {
                var start = now - (condition.Window * condition.Windows);
                var step = condition.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                var (range, rangeError) = await GetAsync(baseUri, $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(start)}&end={at}&step={step}", ct);
                if (rangeError is not null)
                {
                    return StepEnd.Failure(rangeError);
                }
                var series = RangeSeries(range);
                if (series.Count == 0)
                {
                    failures.Add("the range query returned no series");
                }
                foreach (var (labels, points) in series)
                {
                    output.Append($"{labels} over {condition.Windows} windows: {string.Join(" → ", points.Select(PromQlCondition.Format))}\n");
                    if (condition.CheckTrend(points) is { } why)
                    {
                        failures.Add($"{labels} {why}");
                    }
                }
            }
            return failures.Count == 0
                ? StepEnd.Success()
                : StepEnd.Failure($"condition \"{condition}\" does not hold: " + string.Join("; ", failures.Take(5)) + (failures.Count > 5 ? $" (and {failures.Count - 5} more)" : string.Empty));
        }, cancellationToken);

    async Task<(JsonElement Data, string? Error)> GetAsync(Uri baseUri, string pathAndQuery, CancellationToken ct)
    {
        var uri = new Uri(baseUri, pathAndQuery);
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(uri, ct);
        }
        catch (HttpRequestException ex)
        {
            return (default, $"Prometheus at {baseUri} did not answer: {ex.Message}");
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.TryGetProperty("status", out var status) && status.GetString() == "success" && root.TryGetProperty("data", out var data))
                {
                    return (data.Clone(), null);
                }
                var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
                return (default, $"Prometheus answered {(int)response.StatusCode}: {error ?? "no data"}");
            }
            catch (JsonException)
            {
                return (default, $"Prometheus answered {(int)response.StatusCode} with a body that is not JSON");
            }
        }
    }

    static List<(string Labels, double Value)> InstantSamples(JsonElement data)
    {
        var list = new List<(string, double)>();
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        if (type == "scalar")
        {
            list.Add(("scalar", Value(result)));
        }
        else if (type == "vector")
        {
            foreach (var s in result.EnumerateArray())
            {
                list.Add((Labels(s.GetProperty("metric")), Value(s.GetProperty("value"))));
            }
        }
        else if (type == "matrix")
        {
            foreach (var s in result.EnumerateArray())
            {
                var values = s.GetProperty("values");
                if (values.GetArrayLength() > 0)
                {
                    list.Add((Labels(s.GetProperty("metric")), Value(values[values.GetArrayLength() - 1])));
                }
            }
        }
        return list;
    }

    static List<(string Labels, List<double> Points)> RangeSeries(JsonElement data)
    {
        var list = new List<(string, List<double>)>();
        foreach (var s in data.GetProperty("result").EnumerateArray())
        {
            list.Add((Labels(s.GetProperty("metric")), [.. s.GetProperty("values").EnumerateArray().Select(Value)]));
        }
        return list;
    }

    static double Value(JsonElement pair) =>
        double.Parse(pair[1].GetString()!.Replace("Inf", "Infinity", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    static string Labels(JsonElement metric) =>
        "{" + string.Join(", ", metric.EnumerateObject().Select(p => $"{p.Name}=\"{p.Value.GetString()}\"")) + "}";

    static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);

    Uri Base(StepRequest request)
    {
        var name = request.Attributes.GetValueOrDefault("datasource", "default");
        if (!_options.Prometheus.TryGetValue(name, out var uri))
        {
            throw new StepRejectedException($"no Prometheus named \"{name}\" is configured (runbook_actions.prometheus: {string.Join(", ", _options.Prometheus.Keys)})");
        }
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    static PromQlCondition? Condition(StepRequest request)
    {
        if (!request.Attributes.TryGetValue("condition", out var text))
        {
            return null;
        }
        try
        {
            return PromQlCondition.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new StepRejectedException(ex.Message);
        }
    }

    /// <summary>The query with every <c>"{name}"</c> replaced by the parameter as an escaped PromQL string.</summary>
    internal static string BindQuery(StepRequest request, bool dryRun)
    {
        var body = request.Body.Trim();
        if (body.Length == 0)
        {
            throw new StepRejectedException("the promql step has no query");
        }
        var sb = new StringBuilder();
        var last = 0;
        foreach (Match m in StepRun.Placeholder().Matches(body))
        {
            var quoted = m.Index > 0 && m.Index + m.Length < body.Length && body[m.Index - 1] == '"' && body[m.Index + m.Length] == '"';
            if (!quoted)
            {
                throw new StepRejectedException($"{m.Value} must be a whole label value in double quotes, e.g. job=\"{m.Value}\"");
            }
            var name = m.Groups[1].Value;
            if (!request.Parameters.TryGetValue(name, out var value))
            {
                throw new StepRejectedException($"{m.Value} names no parameter of this step");
            }
            if (dryRun && request.SecretParameters.Contains(name))
            {
                value = "<secret>";
            }
            var before = body[..(m.Index - 1)].TrimEnd();
            if (before.EndsWith("=~", StringComparison.Ordinal) || before.EndsWith("!~", StringComparison.Ordinal))
            {
                value = Re2Quote(value);
            }
            sb.Append(body, last, m.Index - 1 - last).Append(StringLiteral(value));
            last = m.Index + m.Length + 1;
        }
        sb.Append(body, last, body.Length - last);
        return sb.ToString();
    }

    /// <summary>A PromQL double-quoted string literal (Go escaping) holding exactly <paramref name="value"/>.</summary>
    internal static string StringLiteral(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Escapes RE2 metacharacters so a regex matcher matches the value literally (Go's regexp.QuoteMeta).</summary>
    internal static string Re2Quote(string value) => Re2Meta().Replace(value, @"\$0");

    [GeneratedRegex(@"[\\.+*?()|\[\]{}^$]")]
    private static partial Regex Re2Meta();
}
