using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Guardia.Core.Runbooks;

/// <summary>A file an import produced besides the runbook (Prometheus rules, Alertmanager configuration).</summary>
/// <param name="Name">The file name.</param>
/// <param name="Content">The file's text.</param>
/// <param name="Description">What it is and where it came from.</param>
public sealed record ImportedFile(string Name, string Content, string Description);

/// <summary>What <see cref="RunbookImporter"/> made of a free-form runbook.</summary>
/// <param name="Id">The runbook id chosen.</param>
/// <param name="Markdown">The runbook in Guardia's format (front matter, sections, step fences).</param>
/// <param name="Files">Extracted rule and Alertmanager files.</param>
/// <param name="Report">A markdown report: mapping, parameters, contacts and escalation, what was not mapped.</param>
/// <param name="Unmapped">One line per thing that could not be mapped, with its source line.</param>
/// <param name="EncodingRepair">How the input was mis-encoded, when it was repaired; otherwise null.</param>
/// <param name="StepCount">How many steps the runbook has.</param>
public sealed record ImportResult(
    string Id,
    string Markdown,
    IReadOnlyList<ImportedFile> Files,
    string Report,
    IReadOnlyList<string> Unmapped,
    string? EncodingRepair,
    int StepCount);

/// <summary>Turns a free-form markdown runbook into Guardia's format: headings become sections, shell blocks
/// become one step per command, placeholders become parameters, alert rules and Alertmanager blocks become
/// files, and contact and escalation tables go to a report.</summary>
public static partial class RunbookImporter
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();
    static readonly string[] ShellLanguages = ["bash", "sh", "shell", "zsh", "console"];
    static readonly HashSet<string> EnvironmentNames = new(StringComparer.Ordinal)
    {
        "HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "REPLY", "RANDOM", "SECONDS", "HOSTNAME", "IFS", "UID", "EUID", "PPID", "LINENO", "BASH", "TERM", "LANG", "TMPDIR", "EOF",
    };

    static readonly (string Keyword, RunbookSection Section)[] Keywords =
    [
        ("verificacion", RunbookSection.Validation),
        ("verification", RunbookSection.Validation),
        ("validac", RunbookSection.Validation),
        ("comunicac", RunbookSection.Communication),
        ("communicat", RunbookSection.Communication),
        ("handoff", RunbookSection.Communication),
        ("escalac", RunbookSection.Communication),
        ("escalam", RunbookSection.Communication),
        ("escalation", RunbookSection.Communication),
        ("post-mortem", RunbookSection.PostIncident),
        ("postmortem", RunbookSection.PostIncident),
        ("post-incident", RunbookSection.PostIncident),
        ("lecciones", RunbookSection.PostIncident),
        ("lessons", RunbookSection.PostIncident),
        ("prevention", RunbookSection.PostIncident),
        ("cierre", RunbookSection.PostIncident),
        ("diagnos", RunbookSection.Diagnosis),
        ("sintoma", RunbookSection.Diagnosis),
        ("troubleshooting", RunbookSection.Diagnosis),
        ("health check", RunbookSection.Diagnosis),
        ("investigation", RunbookSection.Diagnosis),
        ("monitoreo", RunbookSection.Diagnosis),
        ("mitig", RunbookSection.Mitigation),
        ("accion", RunbookSection.Mitigation),
        ("solucion", RunbookSection.Mitigation),
        ("resolution", RunbookSection.Mitigation),
        ("correctiv", RunbookSection.Mitigation),
        ("restore", RunbookSection.Mitigation),
        ("backup", RunbookSection.Mitigation),
        ("rollback", RunbookSection.Mitigation),
        ("recuperacion", RunbookSection.Mitigation),
        ("emergencia", RunbookSection.Mitigation),
        ("limpieza", RunbookSection.Mitigation),
        ("mantenimiento", RunbookSection.Mitigation),
        ("maintenance", RunbookSection.Mitigation),
        ("procedimiento", RunbookSection.Mitigation),
        ("quick win", RunbookSection.Mitigation),
        ("fix", RunbookSection.Mitigation),
        ("playbook", RunbookSection.Mitigation),
    ];

    /// <summary>Reads a file (repairing mis-encoded text) and imports it.</summary>
    public static ImportResult ImportFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Import(File.ReadAllText(path, Encoding.UTF8), Path.GetFileName(path));
    }

    /// <summary>Imports free-form runbook text; <paramref name="sourceName"/> names it in the report.</summary>
    public static ImportResult Import(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var (repaired, repairedFrom) = TextRepair.Repair(text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF'));
        var import = new ImportRun(repaired, sourceName);
        import.Run();
        return import.Build(repairedFrom);
    }

    /// <summary>The section a free-form heading suggests, or null: exact section names first, then keywords
    /// ("Acciones de Mitigación" is Mitigation, "Verificación de Recuperación" is Validation).</summary>
    public static RunbookSection? Classify(string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        if (RunbookSections.TryParse(heading, out var s))
        {
            return s;
        }
        var text = RunbookSections.Normalize(heading);
        foreach (var (keyword, section) in Keywords)
        {
            if (text.Contains(keyword, StringComparison.Ordinal))
            {
                return section;
            }
        }
        return null;
    }

    /// <summary>A lower-case id made of the text's letters and digits.</summary>
    public static string Slug(string text, int max = 48)
    {
        ArgumentNullException.ThrowIfNull(text);
        var n = RunbookSections.Normalize(text);
        var sb = new StringBuilder();
        foreach (var c in n)
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > max)
        {
            slug = slug[..max];
            var cut = slug.LastIndexOf('-');
            slug = (cut > max / 2 ? slug[..cut] : slug).Trim('-');
        }
        return slug;
    }

    /// <summary>Rewrites <c>&lt;pod-name&gt;</c> placeholders as <c>${POD_NAME}</c> references (the value then arrives
    /// as an environment variable); returns the names found.</summary>
    public static string RewritePlaceholders(string body, ICollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(names);
        return PlaceholderRegex().Replace(body, m =>
        {
            var name = PlaceholderName(m.Groups[1].Value);
            names.Add(name);
            return "${" + name + "}";
        });
    }

    /// <summary>The parameter name for a placeholder: <c>pod-name</c> is <c>POD_NAME</c>.</summary>
    public static string PlaceholderName(string placeholder)
    {
        ArgumentNullException.ThrowIfNull(placeholder);
        return placeholder.Replace('-', '_').ToUpperInvariant();
    }

    static string YamlString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case < ' ':
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    static string AttributeValue(string s)
    {
        s = s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace('\n', ' ').Replace('}', ')');
        return "\"" + s + "\"";
    }

    static string Fence(string body, string info)
    {
        var longest = 2;
        foreach (var line in body.Split('\n'))
        {
            var t = line.TrimStart();
            var n = 0;
            while (n < t.Length && t[n] == '`')
            {
                n++;
            }
            longest = Math.Max(longest, n);
        }
        var fence = new string('`', longest + 1);
        return fence + info + "\n" + body.TrimEnd('\n') + "\n" + fence + "\n";
    }

    static string Dedent(string text)
    {
        var lines = text.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n');
    }

    static string Risk(string command, out int approvals)
    {
        if (DestructiveRegex().IsMatch(command))
        {
            approvals = 2;
            return "destructive";
        }
        if (MutatingRegex().IsMatch(command))
        {
            approvals = 1;
            return "changes the system";
        }
        approvals = 0;
        return "read-only";
    }

    sealed class Item
    {
        public required string Text { get; init; }

        public RunbookSection? Section { get; init; }

        public bool IsStep { get; init; }

        public int Line { get; init; }
    }

    sealed class Group(string heading, int line, RunbookSection? section, bool intro = false)
    {
        public bool Intro { get; } = intro;

        public string Heading { get; } = heading;

        public int Line { get; } = line;

        public RunbookSection? Section { get; } = section;

        public List<Item> Items { get; } = [];
    }

    sealed class ImportRun(string text, string source)
    {
        readonly string _text = text;
        readonly string _source = source;
        readonly string[] _lines = text.Split('\n');
        readonly List<Group> _groups = [];
        readonly SortedDictionary<int, string> _headings = [];
        readonly Dictionary<string, (string Origin, int Line)> _parameters = new(StringComparer.Ordinal);
        readonly List<string> _alerts = [];
        readonly List<string> _owners = [];
        readonly List<string> _preconditions = [];
        readonly List<string> _thresholds = [];
        readonly List<ImportedFile> _files = [];
        readonly List<string> _contacts = [];
        readonly List<string> _unmapped = [];
        readonly List<string> _mapping = [];
        readonly HashSet<string> _stepIds = new(StringComparer.Ordinal);
        readonly Dictionary<string, int> _kinds = new(StringComparer.Ordinal);
        string _title = string.Empty;
        Group _group = new(string.Empty, 0, null, intro: true);
        string? _label;
        bool _inPreconditions;
        int _steps;

        public void Run()
        {
            _groups.Add(_group);
            var doc = Markdown.Parse(_text, Pipeline);
            Walk(doc);
        }

        void Walk(ContainerBlock container)
        {
            foreach (var block in container)
            {
                switch (block)
                {
                    case HeadingBlock h:
                        OnHeading(h);
                        break;
                    case FencedCodeBlock f:
                        OnFence(f);
                        break;
                    case ParagraphBlock p:
                        OnParagraph(p);
                        break;
                    case ListBlock or QuoteBlock when HasFence((ContainerBlock)block):
                        if (block is ListBlock)
                        {
                            foreach (var item in (ListBlock)block)
                            {
                                if (item is ListItemBlock li)
                                {
                                    WalkListItem(li);
                                }
                            }
                        }
                        else
                        {
                            Walk((ContainerBlock)block);
                        }
                        break;
                    case ListBlock list:
                        OnProse(list);
                        if (_inPreconditions)
                        {
                            foreach (var li in list.OfType<ListItemBlock>())
                            {
                                _preconditions.Add(Plain(Slice(li)).TrimStart('-', '*', ' ').Trim());
                            }
                        }
                        break;
                    case ThematicBreakBlock:
                        break;
                    case ContainerBlock c and not ListItemBlock:
                        OnProse(c);
                        break;
                    default:
                        OnProse(block);
                        break;
                }
            }
        }

        void WalkListItem(ListItemBlock li)
        {
            foreach (var child in li)
            {
                switch (child)
                {
                    case ParagraphBlock p:
                        _label = Plain(Slice(p));
                        InlineCommands(p);
                        Thresholds(Slice(p));
                        Add(new Item { Text = "- " + Dedent(Slice(p)).Replace("\n", "\n  ", StringComparison.Ordinal), Section = _group.Section, Line = p.Line + 1 });
                        break;
                    case FencedCodeBlock f:
                        OnFence(f);
                        break;
                    case ListBlock l when HasFence(l):
                        foreach (var inner in l.OfType<ListItemBlock>())
                        {
                            WalkListItem(inner);
                        }
                        break;
                    case ContainerBlock c when HasFence(c):
                        Walk(c);
                        break;
                    default:
                        OnProse(child);
                        break;
                }
            }
        }

        static bool HasFence(ContainerBlock c) => c.Descendants<FencedCodeBlock>().Any();

        string Slice(Block b) => b.Span.Start >= 0 && b.Span.End < _text.Length ? _text[b.Span.Start..(b.Span.End + 1)] : string.Empty;

        static string Plain(string s) => s.Replace("**", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal).Replace('\n', ' ').Trim().TrimEnd(':').Trim();

        void Add(Item item) => _group.Items.Add(item);

        void OnHeading(HeadingBlock h)
        {
            var text = _lines[h.Line].Trim().TrimStart('#').Trim().TrimEnd('#').Trim();
            if (h.Line + 1 < _lines.Length && !_lines[h.Line].TrimStart().StartsWith('#'))
            {
                text = _lines[h.Line].Trim(); // setext heading
            }
            _label = null;
            if (h.Level == 1 && _title.Length == 0)
            {
                _title = text;
                _group = new Group(text, h.Line + 1, null, intro: true);
                _groups.Add(_group);
                return;
            }
            foreach (var level in _headings.Keys.Where(l => l >= h.Level).ToList())
            {
                _headings.Remove(level);
            }
            _headings[h.Level] = text;
            var norm = RunbookSections.Normalize(text);
            _inPreconditions = norm.StartsWith("precondi", StringComparison.Ordinal) || norm.StartsWith("prerequis", StringComparison.Ordinal) || norm.StartsWith("requisitos", StringComparison.Ordinal);
            RunbookSection? section = null;
            string how = "not mapped: reference material";
            if (!_inPreconditions)
            {
                foreach (var (level, heading) in _headings.Reverse())
                {
                    if (Classify(heading) is { } s)
                    {
                        section = s;
                        how = level == h.Level ? "from its own words" : $"from the heading \"{heading}\" above it";
                        break;
                    }
                }
            }
            else
            {
                how = "front matter preconditions";
            }
            _group = new Group(string.Join(" — ", _headings.Values), h.Line + 1, section);
            _groups.Add(_group);
            _mapping.Add($"| {h.Line + 1} | {new string('#', h.Level)} {text.Replace("|", "\\|", StringComparison.Ordinal)} | {(section is { } x ? RunbookSections.Heading(x) : "-")} | {how} |");
        }

        void OnParagraph(ParagraphBlock p)
        {
            var slice = Slice(p);
            if (slice.TrimStart().StartsWith('|'))
            {
                if (IsContactContext(slice))
                {
                    _contacts.Add($"From line {p.Line + 1} ({Context()}):\n\n{Dedent(slice)}\n");
                }
                OnProse(p);
                return;
            }
            _label = Plain(slice);
            InlineCommands(p);
            OnProse(p);
        }

        void OnProse(Block block)
        {
            var slice = Slice(block);
            if (slice.Trim().Length == 0)
            {
                return;
            }
            Thresholds(slice);
            Harvest(slice);
            if (block is ContainerBlock c)
            {
                foreach (var p in c.Descendants<ParagraphBlock>())
                {
                    InlineCommands(p);
                }
            }
            Add(new Item { Text = Dedent(slice), Section = _group.Section, Line = block.Line + 1 });
        }

        void Harvest(string slice)
        {
            foreach (var line in slice.Split('\n'))
            {
                var n = RunbookSections.Normalize(line);
                if (n.Contains("alertas cubiertas", StringComparison.Ordinal) || n.Contains("alerts covered", StringComparison.Ordinal) || n.StartsWith("alertas:", StringComparison.Ordinal) || n.StartsWith("alerts:", StringComparison.Ordinal))
                {
                    foreach (Match m in BacktickedAlertRegex().Matches(line))
                    {
                        AddAlert(m.Groups[1].Value);
                    }
                }
                if (n.StartsWith("contacto", StringComparison.Ordinal) || n.StartsWith("contact", StringComparison.Ordinal) || n.StartsWith("owner", StringComparison.Ordinal) || n.StartsWith("responsable", StringComparison.Ordinal))
                {
                    foreach (Match m in BacktickRegex().Matches(line))
                    {
                        if (!_owners.Contains(m.Groups[1].Value))
                        {
                            _owners.Add(m.Groups[1].Value);
                        }
                    }
                }
            }
        }

        void Thresholds(string slice)
        {
            foreach (var line in slice.Split('\n'))
            {
                if (_thresholds.Count < 40 && ThresholdRegex().IsMatch(line))
                {
                    var t = Plain(line).TrimStart('-', '*', '>', ' ', '|').Trim();
                    if (t.Length > 0 && t.Length < 200 && !_thresholds.Contains(t))
                    {
                        _thresholds.Add(t);
                    }
                }
            }
        }

        void InlineCommands(ParagraphBlock p)
        {
            if (p.Inline is null)
            {
                return;
            }
            foreach (var code in p.Inline.Descendants<CodeInline>())
            {
                if (InlineCommandRegex().IsMatch(code.Content))
                {
                    _unmapped.Add($"line {p.Line + 1}: inline command left as text: `{code.Content}` ({Context()})");
                }
            }
        }

        bool IsContactContext(string extra)
        {
            var n = RunbookSections.Normalize(string.Join(' ', _headings.Values) + " " + extra.Split('\n')[0]);
            return ContactRegex().IsMatch(n);
        }

        string Context() => _headings.Count == 0 ? _title : string.Join(" > ", _headings.Values);

        void OnFence(FencedCodeBlock f)
        {
            var lang = (f.Info ?? string.Empty).Trim().ToLowerInvariant();
            var body = f.Lines.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
            var line = f.Line + 1;
            if (ShellLanguages.Contains(lang))
            {
                OnShell(body, line);
                return;
            }
            if (lang is "yaml" or "yml" && RuleRegex().IsMatch(body) && body.Contains("expr:", StringComparison.Ordinal))
            {
                OnRules(body, line);
            }
            else if (lang is "yaml" or "yml" && AlertmanagerRegex().IsMatch(body))
            {
                var name = $"{Id}.alertmanager{Suffix("alertmanager")}.yml";
                _files.Add(new ImportedFile(name, body.TrimEnd('\n') + "\n", $"Alertmanager configuration from line {line} ({Context()})"));
                Add(new Item { Text = $"Alertmanager configuration from this runbook: [{name}]({name}).", Section = _group.Section, Line = line });
                return;
            }
            else if (lang.Length == 0 && IsContactContext(body))
            {
                _contacts.Add($"From line {line} ({Context()}):\n\n{Fence(body, string.Empty)}");
            }
            else
            {
                _unmapped.Add($"line {line}: ```{(lang.Length == 0 ? "(no language)" : lang)} block kept as documentation ({Context()})");
            }
            Add(new Item { Text = Fence(body, lang), Section = _group.Section, Line = line });
        }

        string Suffix(string kind)
        {
            var n = _files.Count(f => f.Name.Contains("." + kind, StringComparison.Ordinal));
            return n == 0 ? string.Empty : "-" + (n + 1).ToString(CultureInfo.InvariantCulture);
        }

        void OnRules(string body, int line)
        {
            foreach (Match m in RuleRegex().Matches(body))
            {
                AddAlert(m.Groups[1].Value);
            }
            string content;
            if (GroupsRegex().IsMatch(body))
            {
                content = body.TrimEnd('\n') + "\n";
            }
            else
            {
                // A bare list of rules, as runbooks often quote them: wrap it in a rule group Prometheus loads.
                var sb = new StringBuilder();
                sb.Append("groups:\n  - name: ").Append(Id).Append('\n').Append("    rules:\n");
                foreach (var l in Dedent(body).Split('\n'))
                {
                    sb.Append(l.Length == 0 ? string.Empty : "      " + l).Append('\n');
                }
                content = sb.ToString();
            }
            var name = $"{Id}.rules{Suffix("rules")}.yml";
            _files.Add(new ImportedFile(name, content, $"Prometheus alerting rules from line {line} ({Context()})"));
            Add(new Item { Text = $"Alerting rules from this runbook: [{name}]({name}).", Section = _group.Section, Line = line });
        }

        void AddAlert(string name)
        {
            if (!_alerts.Contains(name))
            {
                _alerts.Add(name);
            }
        }

        string Id => Slug(TitleForId) is { Length: > 0 } s ? s : Slug(Path.GetFileNameWithoutExtension(_source)) is { Length: > 0 } f ? f : "imported-runbook";

        string TitleForId => TitlePrefixRegex().Replace(_title, string.Empty);

        void OnShell(string body, int line)
        {
            var commands = ShellCommands.Split(body);
            if (commands.Count == 0)
            {
                Add(new Item { Text = Fence(body, "bash"), Section = _group.Section, Line = line });
                _unmapped.Add($"line {line}: shell block with only comments kept as documentation ({Context()})");
                return;
            }
            var section = _group.Section;
            var how = string.Empty;
            if (_label is { } label && Classify(label) is RunbookSection.Validation)
            {
                section = RunbookSection.Validation;
            }
            if (section is null)
            {
                section = RunbookSection.Mitigation;
                _unmapped.Add($"line {line}: commands under \"{Context()}\" have no section; put in Mitigation (review)");
            }
            var assigned = ShellCommands.AssignedNames(body);
            if (ShellCommands.IsScript(body, commands))
            {
                var title = commands[0].Comment.Length > 0 && !body.TrimStart().StartsWith("#!", StringComparison.Ordinal) ? commands[0].Comment : _label ?? _group.Heading;
                AddStep(Dedent(body), title, section.Value, line, assigned, "kept as one script (it sets variables or changes directory)");
                return;
            }
            var previous = _label ?? _group.Heading;
            foreach (var c in commands)
            {
                var title = c.Comment.Length > 0 ? c.Comment : previous;
                previous = title;
                AddStep(Dedent(c.Text), title, section.Value, line + 1 + c.Line, assigned, how);
            }
        }

        void AddStep(string body, string title, RunbookSection section, int line, IReadOnlySet<string> assigned, string note)
        {
            var placeholders = new List<string>();
            body = RewritePlaceholders(body, placeholders);
            foreach (var p in placeholders)
            {
                _parameters.TryAdd(p, ($"placeholder <{p.ToLowerInvariant()}>", line));
            }
            foreach (Match m in VariableRegex().Matches(body))
            {
                var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                if (!assigned.Contains(name) && !EnvironmentNames.Contains(name) && !placeholders.Contains(name))
                {
                    _parameters.TryAdd(name, ("variable $" + name, line));
                }
            }
            title = Plain(title);
            if (title.Length > 80)
            {
                title = title[..77] + "...";
            }
            var id = Slug(title, 40);
            if (id.Length == 0)
            {
                id = "step";
            }
            var unique = id;
            for (var n = 2; !_stepIds.Add(unique); n++)
            {
                unique = id + "-" + n.ToString(CultureInfo.InvariantCulture);
            }
            var simpleKubectl = body.StartsWith("kubectl ", StringComparison.Ordinal) && !ComplexShellRegex().IsMatch(body);
            var kind = simpleKubectl ? RunbookStepKinds.Kubectl : RunbookStepKinds.Shell;
            var risk = Risk(body, out var approvals);
            var attrs = new StringBuilder();
            attrs.Append("id=").Append(unique).Append(" title=").Append(AttributeValue(title));
            attrs.Append(" timeout=").Append(section == RunbookSection.Diagnosis ? "2m" : "5m");
            if (approvals > 0)
            {
                attrs.Append(" approve=").Append(approvals.ToString(CultureInfo.InvariantCulture));
            }
            _group.Items.Add(new Item { Text = Fence(body, kind + " {" + attrs + "}"), Section = section, IsStep = true, Line = line });
            _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
            _steps++;
            if (note.Length > 0 || approvals > 0)
            {
                _mapping.Add($"| {line} | step `{unique}` | {RunbookSections.Heading(section)} | {risk}{(approvals > 0 ? $", approve={approvals}" : string.Empty)}{(note.Length > 0 ? "; " + note : string.Empty)} |");
            }
        }

        public ImportResult Build(string? repairedFrom)
        {
            var id = Id;
            var md = new StringBuilder();
            md.Append("---\n");
            md.Append("id: ").Append(id).Append('\n');
            md.Append("title: ").Append(YamlString(_title.Length > 0 ? _title : _source)).Append('\n');
            md.Append("services: []\n");
            AppendList(md, "alerts", _alerts);
            AppendList(md, "owners", _owners);
            if (_parameters.Count > 0)
            {
                md.Append("parameters:\n");
                foreach (var (name, (origin, line)) in _parameters.OrderBy(p => p.Value.Line))
                {
                    var secret = SecretNameRegex().IsMatch(name);
                    var number = NumberNameRegex().IsMatch(name);
                    md.Append("  - name: ").Append(name).Append('\n');
                    md.Append("    type: ").Append(number ? "int" : "string").Append('\n');
                    if (!number)
                    {
                        md.Append("    pattern: ").Append(YamlString(secret ? @"\S+" : "[A-Za-z0-9._:/@=+-]+")).Append('\n');
                    }
                    md.Append("    required: true\n");
                    if (secret)
                    {
                        md.Append("    secret: true\n");
                    }
                    md.Append("    description: ").Append(YamlString($"imported from {origin} (line {line}); set a default or pass it with --param")).Append('\n');
                }
            }
            AppendList(md, "preconditions", _preconditions);
            AppendList(md, "thresholds", _thresholds);
            md.Append("---\n\n");
            md.Append("# ").Append(_title.Length > 0 ? _title : _source).Append("\n\n");
            md.Append("> Imported from `").Append(_source).Append("` by `guardia runbook import`. Review every step, its approvals and its parameters before running it.\n\n");
            foreach (var item in _groups.Where(g => g.Intro).SelectMany(g => g.Items).Where(i => i.Section is null))
            {
                md.Append(item.Text).Append("\n\n");
            }
            foreach (var section in Enum.GetValues<RunbookSection>())
            {
                var groups = _groups.Where(g => g.Items.Any(i => i.Section == section)).ToList();
                if (groups.Count == 0)
                {
                    continue;
                }
                md.Append("## ").Append(RunbookSections.Heading(section)).Append("\n\n");
                foreach (var g in groups)
                {
                    // A heading that names a section would start that section in the parser: write it in bold instead.
                    md.Append(RunbookSections.TryParse(g.Heading, out _) ? "**" + g.Heading + "**" : "### " + g.Heading).Append("\n\n");
                    foreach (var item in g.Items.Where(i => i.Section == section))
                    {
                        md.Append(item.Text.TrimEnd('\n')).Append("\n\n");
                    }
                }
            }
            var reference = _groups.Where(g => !g.Intro).Where(g => g.Items.Any(i => i.Section is null)).ToList();
            if (reference.Count > 0)
            {
                md.Append("## Reference\n\n");
                foreach (var g in reference)
                {
                    md.Append("### ").Append(g.Heading).Append("\n\n");
                    foreach (var item in g.Items.Where(i => i.Section is null))
                    {
                        md.Append(item.Text.TrimEnd('\n')).Append("\n\n");
                    }
                }
            }
            return new ImportResult(id, md.ToString().TrimEnd('\n') + "\n", _files, BuildReport(id, repairedFrom), _unmapped, repairedFrom, _steps);
        }

        static void AppendList(StringBuilder md, string key, List<string> items)
        {
            if (items.Count == 0)
            {
                md.Append(key).Append(": []\n");
                return;
            }
            md.Append(key).Append(":\n");
            foreach (var i in items)
            {
                md.Append("  - ").Append(YamlString(i)).Append('\n');
            }
        }

        string BuildReport(string id, string? repairedFrom)
        {
            var r = new StringBuilder();
            r.Append("# Import report: ").Append(_source).Append("\n\n");
            r.Append("- Runbook: `").Append(id).Append(".md` (").Append(_title).Append(")\n");
            r.Append("- Steps: ").Append(_steps.ToString(CultureInfo.InvariantCulture));
            if (_kinds.Count > 0)
            {
                r.Append(" (").Append(string.Join(", ", _kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}"))).Append(')');
            }
            r.Append('\n');
            r.Append("- Encoding: ").Append(repairedFrom is null ? "UTF-8, nothing to repair" : "repaired (" + repairedFrom + ")").Append('\n');
            r.Append("- Parameters: ").Append(_parameters.Count == 0 ? "none" : string.Join(", ", _parameters.Keys)).Append('\n');
            r.Append("- Alerts: ").Append(_alerts.Count == 0 ? "none found" : string.Join(", ", _alerts)).Append('\n');
            r.Append("- Files: ").Append(_files.Count == 0 ? "none" : string.Join(", ", _files.Select(f => f.Name))).Append("\n\n");
            r.Append("## Mapping\n\n| Line | Heading or step | Section | How |\n|---|---|---|---|\n");
            foreach (var m in _mapping)
            {
                r.Append(m).Append('\n');
            }
            r.Append("\nSteps that change the system need one approval, destructive ones two; no imported step is `auto`.\n");
            r.Append("\n## Extracted files\n\n");
            foreach (var f in _files)
            {
                r.Append("- `").Append(f.Name).Append("`: ").Append(f.Description).Append('\n');
            }
            if (_files.Count == 0)
            {
                r.Append("None.\n");
            }
            r.Append("\n## Escalation and contacts\n\n");
            foreach (var c in _contacts)
            {
                r.Append(c.TrimEnd('\n')).Append("\n\n");
            }
            if (_contacts.Count == 0)
            {
                r.Append("None found.\n\n");
            }
            r.Append("## Not mapped\n\n");
            foreach (var u in _unmapped)
            {
                r.Append("- ").Append(u).Append('\n');
            }
            if (_unmapped.Count == 0)
            {
                r.Append("Nothing.\n");
            }
            return r.ToString();
        }
    }

    [GeneratedRegex(@"(?<![<\w])<([A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)>(?!>)")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]+)\}|\$([A-Z][A-Z0-9_]+)\b")]
    private static partial Regex VariableRegex();

    [GeneratedRegex(@"^\s*-?\s*alert:\s*[""']?([A-Za-z_][A-Za-z0-9_:]*)", RegexOptions.Multiline)]
    private static partial Regex RuleRegex();

    [GeneratedRegex(@"^groups:", RegexOptions.Multiline)]
    private static partial Regex GroupsRegex();

    [GeneratedRegex(@"^(route|receivers|inhibit_rules):", RegexOptions.Multiline)]
    private static partial Regex AlertmanagerRegex();

    [GeneratedRegex("`([A-Z][A-Za-z0-9]+)`")]
    private static partial Regex BacktickedAlertRegex();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickRegex();

    [GeneratedRegex(@"(?:[<>]=?|≤|≥)\s*\d|\d\s*%")]
    private static partial Regex ThresholdRegex();

    [GeneratedRegex(@"^(?:kubectl|curl|docker|psql|select|\./|helm|kafka-)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCommandRegex();

    [GeneratedRegex(@"contact|escala|on-?call|telefono|phone|email|guardia|rol\b|responsable")]
    private static partial Regex ContactRegex();

    [GeneratedRegex(@"\b(?:DROP\s+(?:DATABASE|TABLE)|TRUNCATE|FLUSHDB|FLUSHALL|DELETE\s+FROM|rm\s+-rf|drain|docker-compose\b.*\bdown\b|redis-cli\b.*\bDEL\b)", RegexOptions.IgnoreCase)]
    private static partial Regex DestructiveRegex();

    [GeneratedRegex(@"\b(?:scale|rollout\s+(?:restart|undo)|delete|patch|set\s+env|apply|create\s+job|cordon|restart|up\s+-d|stop|UPDATE\s+\w+\s+SET|VACUUM|REINDEX|reindex|pg_terminate_backend|failover|generate_certs|s3\s+cp|helm\s+(?:upgrade|rollback))\b|-X\s*(?:POST|PUT|DELETE|PATCH)|>>?\s*[\w.$]", RegexOptions.IgnoreCase)]
    private static partial Regex MutatingRegex();

    [GeneratedRegex(@"[|;&<>`]|\$\(")]
    private static partial Regex ComplexShellRegex();

    [GeneratedRegex(@"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL")]
    private static partial Regex SecretNameRegex();

    [GeneratedRegex(@"^(?:N|REPLICAS|REVISION|COUNT|.*_COUNT|PORT)$")]
    private static partial Regex NumberNameRegex();

    [GeneratedRegex(@"^\W*(?:operations runbook|runbook operacional|runbook de|runbook)\b[\s:—–-]*", RegexOptions.IgnoreCase)]
    private static partial Regex TitlePrefixRegex();
}
