using System.Globalization;
using System.Text.RegularExpressions;
using Guardia.Core.Configuration;
using Markdig;
using Markdig.Syntax;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Runbooks;

/// <summary>Parses a runbook: YAML front matter, section headings and step fences
/// (<c>```shell {id=check-lag timeout=30s auto}</c>); errors are <see cref="ConfigException"/>s with file:line:column.</summary>
public static partial class RunbookParser
{
    static readonly string[] FrontMatterKeys = ["id", "title", "description", "services", "alerts", "owners", "parameters", "preconditions", "thresholds", "validation"];
    static readonly string[] ParameterKeys = ["name", "type", "pattern", "default", "required", "secret", "description"];
    static readonly string[] ValidationKeys = ["interval", "deadline"];
    static readonly Dictionary<string, RunbookParameterType> TypeNames = new(StringComparer.Ordinal)
    {
        ["string"] = RunbookParameterType.Text,
        ["int"] = RunbookParameterType.WholeNumber,
        ["number"] = RunbookParameterType.Number,
        ["bool"] = RunbookParameterType.TrueFalse,
        ["url"] = RunbookParameterType.Url,
        ["duration"] = RunbookParameterType.Duration,
    };

    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    /// <summary>How long a step may run when its fence sets no timeout.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads and parses a runbook file.</summary>
    public static Runbook ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, "cannot read runbook: " + ex.Message);
        }
        return Parse(text, path);
    }

    /// <summary>Parses runbook text; <paramref name="file"/> is used in error positions.</summary>
    public static Runbook Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        text = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        var lines = text.Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
        {
            throw new ConfigException(file, 1, 1, "a runbook starts with YAML front matter between two \"---\" lines", "begin the file with ---, then id: and title:, then ---");
        }
        var end = -1;
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() is "---" or "...")
            {
                end = i;
                break;
            }
        }
        if (end < 0)
        {
            throw new ConfigException(file, 1, 1, "the front matter is not closed", "add a line with --- after the last front matter field");
        }
        var yaml = string.Join('\n', lines[1..end]);
        var runbook = ParseFrontMatter(yaml, file);

        // Blank out the front matter so Markdig's line numbers are the file's.
        var body = string.Join('\n', Enumerable.Repeat(string.Empty, end + 1).Concat(lines[(end + 1)..]));
        var steps = ParseBody(body, lines, file, runbook.Parameters);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        return runbook with { Steps = steps, Digest = digest };
    }

    static Runbook ParseFrontMatter(string yaml, string file)
    {
        var ctx = new LoadContext(file);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                throw new ConfigException(file, 2, 1, "the front matter is empty", "set at least id: and title:");
            }
            var map = new YamlMap(ctx, stream.Documents[0].RootNode, "front matter", FrontMatterKeys);
            var id = map.String("id");
            if (string.IsNullOrWhiteSpace(id))
            {
                throw ctx.Error(map.Node, "the front matter has no \"id\"", "add id: my-runbook");
            }
            if (!IdRegex().IsMatch(id))
            {
                throw ctx.Error(map.Get("id"), $"runbook id \"{id}\" must be lower case letters, digits, '-' and '_'");
            }
            var title = map.String("title");
            if (string.IsNullOrWhiteSpace(title))
            {
                throw ctx.Error(map.Node, "the front matter has no \"title\"");
            }
            var parameters = new List<RunbookParameter>();
            foreach (var item in map.Items("parameters"))
            {
                var p = ParseParameter(ctx, item);
                if (parameters.Any(x => x.Name == p.Name))
                {
                    throw ctx.Error(item, $"parameter \"{p.Name}\" is declared twice");
                }
                parameters.Add(p);
            }
            var validation = ValidationSchedule.Default;
            if (map.Get("validation") is { } vnode)
            {
                var v = new YamlMap(ctx, vnode, "validation", ValidationKeys);
                validation = new ValidationSchedule(v.Duration("interval") ?? validation.Interval, v.Duration("deadline") ?? validation.Deadline);
                if (validation.Interval <= TimeSpan.Zero || validation.Deadline < validation.Interval)
                {
                    throw ctx.Error(vnode, "validation interval must be positive and no longer than the deadline");
                }
            }
            return new Runbook
            {
                Id = id,
                Title = title,
                File = file,
                Services = map.StringList("services") ?? [],
                Alerts = map.StringList("alerts") ?? [],
                Owners = map.StringList("owners") ?? [],
                Parameters = parameters,
                Preconditions = map.StringList("preconditions") ?? [],
                Thresholds = map.StringList("thresholds") ?? [],
                Validation = validation,
            };
        }
        catch (ConfigException ex) when (ex.Line > 0)
        {
            // YAML positions are relative to the front matter, which starts on the file's second line.
            throw new ConfigException(file, ex.Line + 1, ex.Column, ex.Message, ex.Hint, ex);
        }
        catch (YamlException ex)
        {
            throw new ConfigException(file, (int)ex.Start.Line + 1, (int)ex.Start.Column, "invalid YAML in the front matter: " + ex.Message, null, ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this on some unterminated flow collections; it carries no position.
            throw new ConfigException(file, 2, 1, "invalid YAML in the front matter (an unclosed [ or { ?)", null, ex);
        }
    }

    static RunbookParameter ParseParameter(LoadContext ctx, YamlNode node)
    {
        var map = new YamlMap(ctx, node, "parameter", ParameterKeys);
        var name = map.String("name");
        if (string.IsNullOrEmpty(name) || !ParameterNameRegex().IsMatch(name))
        {
            throw ctx.Error(map.Get("name") ?? node, $"parameter name \"{name}\" must be letters, digits and '_', starting with a letter", "parameters become environment variables: TENANT_ID, NAMESPACE");
        }
        var typeText = map.String("type") ?? "string";
        if (!TypeNames.TryGetValue(typeText, out var type))
        {
            throw ctx.Error(map.Get("type"), $"unknown parameter type \"{typeText}\"", "types: string, int, number, bool, url, duration");
        }
        var pattern = map.String("pattern");
        if (pattern is not null)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw ctx.Error(map.Get("pattern"), $"invalid pattern for parameter \"{name}\": {ex.Message}");
            }
        }
        var p = new RunbookParameter(name, type, pattern, map.String("default"), map.Bool("required") ?? false, map.Bool("secret") ?? false, map.String("description"));
        if (p.Default is not null && RunbookParameters.Check(p, p.Default) is { } error)
        {
            throw ctx.Error(map.Get("default"), $"the default of parameter \"{name}\" is invalid: {error}");
        }
        return p;
    }

    static List<RunbookStep> ParseBody(string body, string[] lines, string file, IReadOnlyList<RunbookParameter> parameters)
    {
        _ = parameters;
        var doc = Markdown.Parse(body, Pipeline);
        var steps = new List<RunbookStep>();
        RunbookSection? section = null;
        var sectionLevel = 0;
        var lastHeading = string.Empty;
        foreach (var block in doc.Descendants())
        {
            if (block is HeadingBlock heading)
            {
                var text = HeadingText(lines[heading.Line]);
                lastHeading = text;
                if (RunbookSections.TryParse(text, out var s))
                {
                    section = s;
                    sectionLevel = heading.Level;
                }
                else if (heading.Level <= sectionLevel)
                {
                    section = null;
                    sectionLevel = 0;
                }
                continue;
            }
            if (block is not FencedCodeBlock fence)
            {
                continue;
            }
            // The raw line, not Markdig's Info: CommonMark unescapes backslashes in info strings.
            var line = fence.Line + 1;
            var rawLine = lines[fence.Line];
            var infoStart = rawLine.IndexOf(fence.FencedChar, StringComparison.Ordinal) + fence.OpeningFencedCharCount;
            var info = rawLine[infoStart..].Trim();
            var brace = info.IndexOf('{', StringComparison.Ordinal);
            if (brace < 0)
            {
                continue; // plain code: documentation, not a step
            }
            var braceColumn = rawLine.IndexOf('{', infoStart) + 1;
            var kind = info[..brace].Trim();
            if (!RunbookStepKinds.All.Contains(kind))
            {
                throw new ConfigException(file, line, fence.Column + 1 + fence.OpeningFencedCharCount, $"unknown step kind \"{kind}\"", "kinds: " + string.Join(", ", RunbookStepKinds.All));
            }
            if (fence.ClosingFencedCharCount == 0)
            {
                throw new ConfigException(file, line, fence.Column + 1, $"the fence of this {kind} step is never closed", "close it with a line of " + new string(fence.FencedChar, fence.OpeningFencedCharCount));
            }
            var attributes = ParseAttributes(info[brace..], file, line, braceColumn);
            steps.Add(BuildStep(kind, attributes, fence.Lines.ToString(), section, lastHeading, steps, file, line, braceColumn));
        }
        return steps;
    }

    static RunbookStep BuildStep(string kind, Dictionary<string, (string Value, int Column)> attrs, string body, RunbookSection? section, string heading, List<RunbookStep> earlier, string file, int line, int column)
    {
        ConfigException Error(string attr, string message, string? hint = null) =>
            new(file, line, attrs.TryGetValue(attr, out var a) ? a.Column : column, message, hint);

        if (!attrs.TryGetValue("id", out var idAttr) || idAttr.Value.Length == 0)
        {
            throw new ConfigException(file, line, column, $"this {kind} step has no id", "add id=... to the braces, e.g. {id=check-lag}");
        }
        var id = idAttr.Value;
        if (!IdRegex().IsMatch(id))
        {
            throw Error("id", $"step id \"{id}\" must be lower case letters, digits, '-' and '_'");
        }
        if (earlier.FirstOrDefault(s => s.Id == id) is { } dup)
        {
            throw Error("id", $"step id \"{id}\" is already used on line {dup.Line}");
        }
        if (section is null)
        {
            throw new ConfigException(file, line, column, $"step \"{id}\" is outside a section", "put it under a Diagnosis, Mitigation, Validation, Communication or Post-incident heading (or the Spanish ones)");
        }
        var timeout = DefaultTimeout;
        if (attrs.TryGetValue("timeout", out var t))
        {
            try
            {
                timeout = PromDuration.Parse(t.Value);
            }
            catch (FormatException ex)
            {
                throw Error("timeout", $"invalid timeout \"{t.Value}\": {ex.Message}", "durations look like 30s, 5m or 1h");
            }
            if (timeout <= TimeSpan.Zero)
            {
                throw Error("timeout", "the timeout must be positive");
            }
        }
        var auto = false;
        if (attrs.TryGetValue("auto", out var a))
        {
            auto = a.Value switch
            {
                "true" => true,
                "false" => false,
                _ => throw Error("auto", $"auto must be a flag or auto=true/false, not \"{a.Value}\""),
            };
        }
        if (auto && kind == RunbookStepKinds.Manual)
        {
            throw Error("auto", "a manual step cannot be auto: a person confirms it");
        }
        var approvals = 0;
        if (attrs.TryGetValue("approve", out var ap))
        {
            approvals = ap.Value switch
            {
                "0" => 0,
                "1" or "true" => 1,
                "2" => 2,
                _ => throw Error("approve", $"approve must be 1 or 2 (distinct approvers), not \"{ap.Value}\""),
            };
        }
        var when = StepCondition.Default;
        if (attrs.TryGetValue("when", out var w))
        {
            when = ParseCondition(w.Value, earlier) ?? throw Error("when", $"invalid condition \"{w.Value}\"", "conditions: success, always, failure, <earlier-step-id>.succeeded, <earlier-step-id>.failed");
        }
        if (kind == RunbookStepKinds.Wait)
        {
            var text = attrs.TryGetValue("duration", out var d) ? d.Value : body.Trim();
            try
            {
                _ = PromDuration.Parse(text);
            }
            catch (FormatException)
            {
                throw Error("duration", $"wait step \"{id}\" needs a duration (duration=30s or the duration as its body), not \"{text}\"");
            }
        }
        if (kind == RunbookStepKinds.Sql && !attrs.ContainsKey("connection"))
        {
            throw new ConfigException(file, line, column, $"sql step \"{id}\" has no connection", "add connection=<name> to the braces");
        }
        if (kind != RunbookStepKinds.Wait && kind != RunbookStepKinds.Manual && body.Trim().Length == 0)
        {
            throw new ConfigException(file, line, column, $"step \"{id}\" has an empty body");
        }
        var title = attrs.TryGetValue("title", out var ti) ? ti.Value : heading;
        var flat = attrs.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);
        flat["kind"] = kind;
        return new RunbookStep(id, kind, title, section.Value, body, flat, timeout, auto, approvals, when, line);
    }

    static StepCondition? ParseCondition(string text, List<RunbookStep> earlier)
    {
        switch (text)
        {
            case "success":
                return StepCondition.Default;
            case "always":
                return new StepCondition(StepConditionKind.Always, null);
            case "failure":
                return new StepCondition(StepConditionKind.Failure, null);
        }
        var dot = text.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }
        var id = text[..dot];
        if (earlier.All(s => s.Id != id))
        {
            return null;
        }
        return text[(dot + 1)..] switch
        {
            "succeeded" or "success" => new StepCondition(StepConditionKind.StepSucceeded, id),
            "failed" or "failure" => new StepCondition(StepConditionKind.StepFailed, id),
            _ => null,
        };
    }

    /// <summary>Parses <c>{key=value key="quoted value" flag}</c>; columns are 1-based in the line.</summary>
    static Dictionary<string, (string Value, int Column)> ParseAttributes(string text, string file, int line, int column)
    {
        var result = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        var close = text.LastIndexOf('}');
        if (close < 0)
        {
            throw new ConfigException(file, line, column, "the step attributes are not closed", "end them with }");
        }
        if (text[(close + 1)..].Trim().Length > 0)
        {
            throw new ConfigException(file, line, column + close + 1, "unexpected text after the closing }");
        }
        var i = 1;
        while (i < close)
        {
            if (char.IsWhiteSpace(text[i]) || text[i] == ',')
            {
                i++;
                continue;
            }
            var start = i;
            while (i < close && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.'))
            {
                i++;
            }
            var key = text[start..i];
            if (key.Length == 0)
            {
                throw new ConfigException(file, line, column + start, $"unexpected '{text[i]}' in the step attributes", "write key=value, key=\"a value\" or a flag such as auto");
            }
            string value;
            if (i < close && text[i] == '=')
            {
                i++;
                if (i < close && text[i] == '"')
                {
                    var sb = new System.Text.StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= close)
                        {
                            throw new ConfigException(file, line, column + start, $"the quoted value of \"{key}\" is never closed", "end it with \"");
                        }
                        if (text[i] == '\\' && i + 1 < close && text[i + 1] is '"' or '\\')
                        {
                            sb.Append(text[i + 1]);
                            i += 2;
                            continue;
                        }
                        if (text[i] == '"')
                        {
                            i++;
                            break;
                        }
                        sb.Append(text[i]);
                        i++;
                    }
                    value = sb.ToString();
                }
                else
                {
                    var vstart = i;
                    while (i < close && !char.IsWhiteSpace(text[i]) && text[i] != ',')
                    {
                        i++;
                    }
                    value = text[vstart..i];
                    if (value.Length == 0)
                    {
                        throw new ConfigException(file, line, column + start, $"\"{key}\" has no value");
                    }
                }
            }
            else
            {
                value = "true";
            }
            if (!result.TryAdd(key, (value, column + start)))
            {
                throw new ConfigException(file, line, column + start, $"attribute \"{key}\" is set twice");
            }
        }
        return result;
    }

    static string HeadingText(string line)
    {
        var t = line.Trim().TrimStart('#').Trim().TrimEnd('#').Trim();
        return t;
    }

    /// <summary>The name of a parameter type as written in front matter.</summary>
    public static string TypeName(RunbookParameterType type) => TypeNames.First(kv => kv.Value == type).Key;

    /// <summary>Formats a duration for a fence attribute.</summary>
    internal static string FormatDuration(TimeSpan d) => PromDuration.Format(d);

    internal static string Invariant(int i) => i.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex IdRegex();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ParameterNameRegex();
}
