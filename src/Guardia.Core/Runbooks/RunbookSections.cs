using System.Globalization;
using System.Text;

namespace Guardia.Core.Runbooks;

/// <summary>Recognises section headings in English and Spanish.</summary>
public static class RunbookSections
{
    static readonly (string Prefix, RunbookSection Section)[] Prefixes =
    [
        ("diagnosis", RunbookSection.Diagnosis),
        ("diagnostico", RunbookSection.Diagnosis),
        ("diagnostic", RunbookSection.Diagnosis),
        ("mitigation", RunbookSection.Mitigation),
        ("mitigacion", RunbookSection.Mitigation),
        ("validation", RunbookSection.Validation),
        ("validacion", RunbookSection.Validation),
        ("communication", RunbookSection.Communication),
        ("comunicacion", RunbookSection.Communication),
        ("post-incidente", RunbookSection.PostIncident),
        ("post-incident", RunbookSection.PostIncident),
        ("post incident", RunbookSection.PostIncident),
        ("postincident", RunbookSection.PostIncident),
        ("post-mortem", RunbookSection.PostIncident),
        ("postmortem", RunbookSection.PostIncident),
    ];

    /// <summary>The section a heading starts, when its text begins with a section name (accents, case,
    /// leading numbers and emoji ignored): "Diagnóstico inicial (5 minutos)" is Diagnosis.</summary>
    public static bool TryParse(string heading, out RunbookSection section)
    {
        ArgumentNullException.ThrowIfNull(heading);
        var text = Normalize(heading);
        foreach (var (prefix, s) in Prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                section = s;
                return true;
            }
        }
        section = default;
        return false;
    }

    /// <summary>The heading used for a section when writing a runbook.</summary>
    public static string Heading(RunbookSection section, bool spanish = false) => section switch
    {
        RunbookSection.Diagnosis => spanish ? "Diagnóstico" : "Diagnosis",
        RunbookSection.Mitigation => spanish ? "Mitigación" : "Mitigation",
        RunbookSection.Validation => spanish ? "Validación" : "Validation",
        RunbookSection.Communication => spanish ? "Comunicación" : "Communication",
        _ => spanish ? "Post-incidente" : "Post-incident",
    };

    /// <summary>Lower case, accents removed, leading characters that are not letters dropped.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (sb.Length == 0 && !char.IsLetter(c))
            {
                continue;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString().Trim();
    }
}
