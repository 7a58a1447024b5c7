using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guardia.Core.Alerts;
using Guardia.Core.Templating;
using Guardia.Core.Templating.Alertmanager;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia template render</c> verb: renders a template as <c>amtool template render</c> does, byte for byte.</summary>
public static class TemplateCommand
{
    /// <summary>Builds the <c>template</c> command and its <c>render</c> subcommand.</summary>
    public static Command Create()
    {
        var globs = new Option<string[]>("--template.glob") { Description = "Glob of paths that will be expanded and used for rendering.", Required = true, AllowMultipleArgumentsPerToken = false };
        var text = new Option<string>("--template.text") { Description = "The template that will be rendered.", Required = true };
        var type = new Option<string>("--template.type") { Description = "The type of the template. Can be either text (default) or html.", DefaultValueFactory = _ => "text" };
        type.AcceptOnlyFromAmong("text", "html");
        var data = new Option<FileInfo?>("--template.data") { Description = "JSON file with the data (Alertmanager's template.Data layout); amtool's example data when absent." };
        var language = new Option<string>("--template.language") { Description = "Default-template language: en (Alertmanager's texts) or es.", DefaultValueFactory = _ => "en" };
        language.AcceptOnlyFromAmong([.. NotificationTemplates.Languages]);

        var render = new Command("render", "Render a given definition in a template file to standard output.") { globs, text, type, data, language };
        render.SetAction(parse =>
        {
            try
            {
                var files = new List<(string, string)>();
                foreach (var glob in parse.GetValue(globs) ?? [])
                {
                    foreach (var path in ExpandGlob(glob))
                    {
                        files.Add((Path.GetFileName(path), File.ReadAllText(path)));
                    }
                }
                var templates = NotificationTemplates.Create(files, TimeProvider.System, parse.GetValue(language) ?? "en");
                var dataFile = parse.GetValue(data);
                var value = dataFile is null ? ExampleData(TimeProvider.System.GetUtcNow()) : ReadData(dataFile);
                var source = parse.GetValue(text) ?? string.Empty;
                var output = parse.GetValue(type) == "html" ? templates.ExecuteHtml(source, value) : templates.ExecuteText(source, value);
                using var stdout = Console.OpenStandardOutput();
                var bytes = new System.Text.UTF8Encoding(false).GetBytes(output);
                stdout.Write(bytes);
                return 0;
            }
            catch (Exception e) when (e is TemplateException or IOException or JsonException or ArgumentException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"guardia: error: {e.Message}");
                return 1;
            }
        });
        return new Command("template", "Render notification templates.") { render };
    }

    /// <summary>The example data amtool renders with when no data file is given.</summary>
    public static TemplateData ExampleData(DateTimeOffset now)
    {
        var alerts = new List<TemplateAlert>
        {
            new()
            {
                Status = "alertstatus",
                Labels = KV.Of(("label1", "value1"), ("label2", "value2"), ("instance", "foo.bar:1234"), ("commonlabelkey1", "commonlabelvalue1"), ("commonlabelkey2", "commonlabelvalue2")),
                Annotations = KV.Of(("annotation1", "value1"), ("annotation2", "value2"), ("commonannotationkey1", "commonannotationvalue1"), ("commonannotationkey2", "commonannotationvalue2")),
                StartsAt = GoTime.From(now.AddMinutes(-5)),
                EndsAt = GoTime.From(now),
                GeneratorURL = "https://generatorurl.com",
                Fingerprint = "fingerprint1",
            },
            new()
            {
                Status = "alertstatus",
                Labels = KV.Of(("foo", "bar"), ("baz", "qux"), ("commonlabelkey1", "commonlabelvalue1"), ("commonlabelkey2", "commonlabelvalue2")),
                Annotations = KV.Of(("aaa", "bbb"), ("ccc", "ddd"), ("commonannotationkey1", "commonannotationvalue1"), ("commonannotationkey2", "commonannotationvalue2")),
                StartsAt = GoTime.From(now.AddMinutes(-10)),
                EndsAt = GoTime.From(now),
                GeneratorURL = "https://generatorurl.com",
                Fingerprint = "fingerprint2",
            },
        };
        return new TemplateData
        {
            Receiver = "receiver",
            Status = "alertstatus",
            Alerts = new AlertList(alerts),
            GroupLabels = KV.Of(("grouplabelkey1", "grouplabelvalue1"), ("grouplabelkey2", "grouplabelvalue2")),
            CommonLabels = KV.Of(("commonlabelkey1", "commonlabelvalue1"), ("commonlabelkey2", "commonlabelvalue2")),
            CommonAnnotations = KV.Of(("commonannotationkey1", "commonannotationvalue1"), ("commonannotationkey2", "commonannotationvalue2")),
            ExternalURL = "https://example.com",
        };
    }

    static TemplateData ReadData(FileInfo file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        var root = doc.RootElement;
        var alerts = new List<TemplateAlert>();
        if (root.TryGetProperty("alerts", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in list.EnumerateArray())
            {
                alerts.Add(new TemplateAlert
                {
                    Status = Str(a, "status"),
                    Labels = Kv(a, "labels"),
                    Annotations = Kv(a, "annotations"),
                    StartsAt = Time(a, "startsAt"),
                    EndsAt = Time(a, "endsAt"),
                    GeneratorURL = Str(a, "generatorURL"),
                    Fingerprint = Str(a, "fingerprint"),
                });
            }
        }
        return new TemplateData
        {
            Receiver = Str(root, "receiver"),
            Status = Str(root, "status"),
            Alerts = new AlertList(alerts),
            GroupLabels = Kv(root, "groupLabels"),
            CommonLabels = Kv(root, "commonLabels"),
            CommonAnnotations = Kv(root, "commonAnnotations"),
            ExternalURL = Str(root, "externalURL"),
        };
    }

    static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    static KV Kv(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object)
        {
            return KV.Empty;
        }
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var p in v.EnumerateObject())
        {
            pairs.Add(new(p.Name, p.Value.GetString() ?? string.Empty));
        }
        return new KV(LabelSet.From(pairs));
    }

    static GoTime Time(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return GoTime.From(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero));
        }
        var text = v.GetString()!;
        var t = DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
        // Go names the zone UTC only for a "Z" suffix; a numeric offset gets an unnamed fixed zone.
        return text.EndsWith('Z') ? GoTime.From(t) : new GoTime(t, string.Empty);
    }

    /// <summary>Expands a glob as Go's filepath.Glob does: wildcards in any path element, sorted matches, no match is not an error.</summary>
    static List<string> ExpandGlob(string pattern)
    {
        if (pattern.IndexOfAny(['*', '?', '[']) < 0)
        {
            return File.Exists(pattern) ? [pattern] : [];
        }
        var rooted = pattern.StartsWith('/');
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { rooted ? "/" : string.Empty };
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                var dirPath = dir.Length == 0 ? "." : dir;
                if (parts[i].IndexOfAny(['*', '?', '[']) < 0)
                {
                    var candidate = dir.Length == 0 ? parts[i] : Path.Combine(dir, parts[i]);
                    if (last ? File.Exists(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }
                    continue;
                }
                if (!Directory.Exists(dirPath))
                {
                    continue;
                }
                var regex = new Regex("^" + GlobToRegex(parts[i]) + "$", RegexOptions.CultureInvariant);
                var names = Directory.EnumerateFileSystemEntries(dirPath).Select(Path.GetFileName).OfType<string>().Where(n => regex.IsMatch(n)).ToList();
                names.Sort(StringComparer.Ordinal);
                foreach (var name in names)
                {
                    var candidate = dir.Length == 0 ? name : Path.Combine(dir, name);
                    if (last ? File.Exists(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    static string GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var end = glob.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        throw new ArgumentException("syntax error in pattern");
                    }
                    var body = glob[(i + 1)..end];
                    sb.Append('[').Append(body.StartsWith('^') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < glob.Length:
                    sb.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }
}
