namespace Guardia.Core.Templating;

/// <summary>A parse or execution error, with Go's message shape (<c>template: name:line:col: ...</c>) and its position.</summary>
public sealed class TemplateException : Exception
{
    /// <summary>Creates an error for <paramref name="templateName"/> at a line and column (column 0 when unknown).</summary>
    public TemplateException(string message, string templateName, int line, int column)
        : base(message)
    {
        TemplateName = templateName;
        Line = line;
        Column = column;
    }

    /// <summary>Creates an error without a position.</summary>
    public TemplateException()
        : this("template error", string.Empty, 0, 0)
    {
    }

    /// <summary>Creates an error without a position.</summary>
    public TemplateException(string message)
        : this(message, string.Empty, 0, 0)
    {
    }

    /// <summary>Creates an error without a position, wrapping another.</summary>
    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        TemplateName = string.Empty;
    }

    /// <summary>The name the failing text was parsed as.</summary>
    public string TemplateName { get; } = string.Empty;

    /// <summary>The 1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>The 0-based column within the line, as Go counts it in execution errors; for parse errors (whose message, like Go's, names only the line) the column of the offending token.</summary>
    public int Column { get; }
}

/// <summary>Thrown by a template function to report an error, which the engine wraps as Go does (<c>error calling f: ...</c>).</summary>
public sealed class TemplateFunctionException : Exception
{
    /// <summary>Creates a function error.</summary>
    public TemplateFunctionException()
    {
    }

    /// <summary>Creates a function error.</summary>
    public TemplateFunctionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates a function error wrapping another.</summary>
    public TemplateFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True for argument-count or type errors, which Go reports without the <c>error calling</c> prefix.</summary>
    public bool IsArgumentError { get; init; }
}
