namespace Guardia.Core.Templating.Alertmanager;

/// <summary>Alertmanager's notification templates (its <c>template.Template</c>): the defaults, the user's files and the functions, executed as text or HTML.</summary>
/// <remarks>Build once per configuration load; executing never changes the instance.</remarks>
public sealed class NotificationTemplates
{
    /// <summary>The default-template languages Guardia ships: <c>en</c> (Alertmanager 0.25's texts, byte for byte) and <c>es</c>.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "es"];

    readonly TemplateSet _set;

    NotificationTemplates(TemplateSet set) => _set = set;

    /// <summary>Loads the default templates for <paramref name="language"/>, then each file (name = file name, contents), as Alertmanager's FromGlobs does.</summary>
    /// <exception cref="TemplateException">A file does not parse.</exception>
    /// <exception cref="ArgumentException">The language is not one of <see cref="Languages"/>.</exception>
    public static NotificationTemplates Create(IEnumerable<(string Name, string Text)> files, TimeProvider time, string language = "en")
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!Languages.Contains(language))
        {
            throw new ArgumentException($"unknown template language {language}; use one of: {string.Join(", ", Languages)}", nameof(language));
        }
        var set = new TemplateSet { MissingKey = MissingKey.Zero };
        set.AddFunctions(AlertmanagerFunctions.Create(time), AlertmanagerFunctions.Signatures);
        set.Parse("default.tmpl", DefaultText("default.tmpl"));
        set.Parse("email.tmpl", DefaultText("email.tmpl"));
        set.Parse("msteams.tmpl", DefaultText("msteams.tmpl"));
        if (language == "es")
        {
            set.Parse("default_es.tmpl", DefaultText("default_es.tmpl"));
        }
        foreach (var (name, text) in files)
        {
            set.Parse(name, text);
        }
        return new NotificationTemplates(set);
    }

    /// <summary>The text of one of the embedded default template files (<c>default.tmpl</c>, <c>email.tmpl</c>, <c>msteams.tmpl</c>, <c>default_es.tmpl</c>).</summary>
    public static string DefaultText(string fileName)
    {
        var assembly = typeof(NotificationTemplates).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Guardia.Core.Templating.Alertmanager.Defaults.{fileName}")
            ?? throw new ArgumentException($"no default template file {fileName}", nameof(fileName));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The names of all defined templates.</summary>
    public IReadOnlyList<string> TemplateNames => _set.TemplateNames;

    /// <summary>Renders <paramref name="text"/> (e.g. <c>{{ template "slack.default.title" . }}</c>) as Alertmanager's ExecuteTextString does.</summary>
    /// <exception cref="TemplateException">The text does not parse or execution fails.</exception>
    public string ExecuteText(string text, object? data) => Execute(text, data, html: false);

    /// <summary>Renders <paramref name="text"/> with HTML escaping, as Alertmanager's ExecuteHTMLString does (see <see cref="TemplateSet.Execute"/> for the approximation).</summary>
    /// <exception cref="TemplateException">The text does not parse or execution fails.</exception>
    public string ExecuteHtml(string text, object? data) => Execute(text, data, html: true);

    string Execute(string text, object? data, bool html)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return string.Empty;
        }
        var set = _set.Clone();
        set.Parse(string.Empty, text);
        return set.Execute(string.Empty, data, html);
    }
}
