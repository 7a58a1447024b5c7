namespace Guardia.Core.Configuration;

/// <summary>A configuration error with the file, line and column it was found at, and a hint when one helps.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for a position in a file; line and column are 1-based, 0 when unknown.</summary>
    public ConfigException(string file, int line, int column, string message, string? hint = null, Exception? innerException = null)
        : base(message, innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Hint = hint;
    }

    /// <summary>Creates the exception with no position.</summary>
    public ConfigException()
        : this(string.Empty, 0, 0, "invalid configuration")
    {
    }

    /// <summary>Creates the exception with no position.</summary>
    public ConfigException(string message)
        : this(string.Empty, 0, 0, message)
    {
    }

    /// <summary>Creates the exception with no position and a cause.</summary>
    public ConfigException(string message, Exception innerException)
        : this(string.Empty, 0, 0, message, null, innerException)
    {
    }

    /// <summary>The file name as given to the loader.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when the error concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>The 1-based column, or 0 when the error concerns the whole file.</summary>
    public int Column { get; }

    /// <summary>A suggestion such as <c>did you mean "group_wait"?</c>, or null.</summary>
    public string? Hint { get; }

    /// <summary>The position and message as one line: <c>file:line:column: message (hint)</c>.</summary>
    public string Describe() => ConfigPosition.Format(File, Line, Column) + Message + (Hint is null ? string.Empty : " (" + Hint + ")");

    /// <summary>Same as <see cref="Describe"/>.</summary>
    public override string ToString() => Describe();
}

/// <summary>What kind of problem a <see cref="ConfigWarning"/> reports.</summary>
public enum ConfigWarningKind
{
    /// <summary>A value is a placeholder such as <c>YOUR_SLACK_WEBHOOK</c> that was never filled in.</summary>
    Placeholder,

    /// <summary>A receiver integration Alertmanager knows but Guardia does not send to yet.</summary>
    NotImplemented,

    /// <summary>A setting that still works but has a newer replacement.</summary>
    Deprecated,
}

/// <summary>A problem that does not stop the configuration from loading, with its position.</summary>
public sealed record ConfigWarning(ConfigWarningKind Kind, string File, int Line, int Column, string Message)
{
    /// <summary>Formats as <c>file:line:column: message</c>.</summary>
    public override string ToString() => ConfigPosition.Format(File, Line, Column) + Message;
}

static class ConfigPosition
{
    public static string Format(string file, int line, int column) =>
        line > 0 ? $"{file}:{line}:{column}: " : file.Length > 0 ? file + ": " : string.Empty;
}
