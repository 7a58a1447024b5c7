using Guardia.Core.Templating;
using Guardia.Core.Templating.Alertmanager;

namespace Guardia.Integrations.Notifiers;

/// <summary>Renders many fields of one notification and keeps the first template error, as Alertmanager's <c>notify.TmplText</c> does: after an error every field renders empty and the notification fails.</summary>
public sealed class TemplateText
{
    readonly NotificationTemplates _templates;
    readonly TemplateData _data;

    /// <summary>Binds the templates to the data of one notification.</summary>
    public TemplateText(NotificationTemplates templates, TemplateData data)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(data);
        _templates = templates;
        _data = data;
    }

    /// <summary>The first error met, or null.</summary>
    public TemplateException? Error { get; private set; }

    /// <summary>Renders <paramref name="text"/> as plain text; empty once an error was met.</summary>
    public string Text(string text)
    {
        if (Error is not null)
        {
            return string.Empty;
        }
        try
        {
            return _templates.ExecuteText(text, _data);
        }
        catch (TemplateException ex)
        {
            Error = ex;
            return string.Empty;
        }
    }

    /// <summary>Renders <paramref name="text"/> with HTML escaping; empty once an error was met.</summary>
    public string Html(string text)
    {
        if (Error is not null)
        {
            return string.Empty;
        }
        try
        {
            return _templates.ExecuteHtml(text, _data);
        }
        catch (TemplateException ex)
        {
            Error = ex;
            return string.Empty;
        }
    }

    /// <summary>Alertmanager's <c>notify.Truncate</c>: at most <paramref name="maxRunes"/> runes, the last three replaced by <c>...</c> when cut.</summary>
    public static (string Text, bool Truncated) Truncate(string s, int maxRunes)
    {
        ArgumentNullException.ThrowIfNull(s);
        var runeCount = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            runeCount++;
        }
        if (runeCount <= maxRunes)
        {
            return (s, false);
        }
        var keep = maxRunes <= 3 ? maxRunes : maxRunes - 3;
        var sb = new System.Text.StringBuilder();
        var i = 0;
        foreach (var r in s.EnumerateRunes())
        {
            if (i++ == keep)
            {
                break;
            }
            sb.Append(r.ToString());
        }
        if (maxRunes > 3)
        {
            sb.Append("...");
        }
        return (sb.ToString(), true);
    }
}
