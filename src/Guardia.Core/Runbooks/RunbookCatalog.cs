using Guardia.Core.Configuration;

namespace Guardia.Core.Runbooks;

/// <summary>The runbooks of a directory, and the link from an alert to its runbook.</summary>
public sealed class RunbookCatalog
{
    readonly List<Runbook> _runbooks;

    /// <summary>Creates a catalog; runbook ids must be unique.</summary>
    public RunbookCatalog(IEnumerable<Runbook> runbooks)
    {
        ArgumentNullException.ThrowIfNull(runbooks);
        _runbooks = [.. runbooks];
        var dup = _runbooks.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            var files = dup.Select(r => r.File).ToList();
            throw new ConfigException(files[1], 0, 0, $"runbook id \"{dup.Key}\" is also used by {files[0]}");
        }
    }

    /// <summary>The runbooks, ordered by id.</summary>
    public IReadOnlyList<Runbook> Runbooks => [.. _runbooks.OrderBy(r => r.Id, StringComparer.Ordinal)];

    /// <summary>Loads every <c>*.md</c> file of <paramref name="directory"/> that starts with front matter
    /// (README.md and other plain documents are ignored); the first invalid runbook throws its <see cref="ConfigException"/>.</summary>
    public static RunbookCatalog Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new ConfigException(directory, 0, 0, "runbook directory does not exist");
        }
        var list = new List<Runbook>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file).TrimStart('\uFEFF');
            if (!text.StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }
            list.Add(RunbookParser.Parse(text, file));
        }
        return new RunbookCatalog(list);
    }

    /// <summary>The runbook with the given id, or null.</summary>
    public Runbook? Get(string id) => _runbooks.FirstOrDefault(r => r.Id == id);

    /// <summary>Finds the runbook for an alert: first by its <c>runbook</c> / <c>runbook_url</c> annotation (the runbook
    /// id, its file name, or a URL or path ending in either, with or without <c>.md</c> and a <c>#fragment</c>), then
    /// by the alert name in a runbook's <c>alerts</c> list.</summary>
    public Runbook? FindForAlert(string alertName, string? runbookAnnotation)
    {
        ArgumentNullException.ThrowIfNull(alertName);
        if (!string.IsNullOrWhiteSpace(runbookAnnotation))
        {
            var key = LastSegment(runbookAnnotation);
            foreach (var r in _runbooks)
            {
                var fileName = Path.GetFileNameWithoutExtension(r.File);
                if (string.Equals(key, r.Id, StringComparison.OrdinalIgnoreCase) || (fileName.Length > 0 && string.Equals(key, fileName, StringComparison.OrdinalIgnoreCase)))
                {
                    return r;
                }
            }
        }
        return _runbooks.FirstOrDefault(r => r.Alerts.Contains(alertName, StringComparer.Ordinal));
    }

    /// <summary>Finds the runbook for an alert from its labels and annotations (<c>alertname</c>, <c>runbook</c>, <c>runbook_url</c>).</summary>
    public Runbook? FindForAlert(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(annotations);
        var name = labels.TryGetValue("alertname", out var n) ? n : string.Empty;
        var link = annotations.TryGetValue("runbook", out var a) ? a : annotations.TryGetValue("runbook_url", out var u) ? u : null;
        return FindForAlert(name, link);
    }

    static string LastSegment(string link)
    {
        var s = link.Trim();
        var cut = s.IndexOfAny(['#', '?']);
        if (cut >= 0)
        {
            s = s[..cut];
        }
        s = s.TrimEnd('/');
        var slash = s.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            s = s[(slash + 1)..];
        }
        if (s.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^3];
        }
        return s;
    }
}
