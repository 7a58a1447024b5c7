namespace Guardia.Core.Templating;

/// <summary>A value whose named members templates can reach with <c>.Name</c>, like a Go struct's fields and methods.</summary>
/// <remarks>Return a <see cref="TemplateFunction"/> from <see cref="TryGetMember"/> for a method: the template engine calls it,
/// with the chain's arguments when it is the last element, as Go calls methods.</remarks>
public interface ITemplateObject
{
    /// <summary>Looks up a field or method by its exact (case-sensitive) name.</summary>
    bool TryGetMember(string name, out object? value);

    /// <summary>The Go type name shown in error messages and by <c>printf "%T"</c>.</summary>
    string TemplateTypeName => GetType().Name;
}

/// <summary>A template function or method: receives the evaluated arguments and returns a value.</summary>
/// <remarks>Throw <see cref="TemplateFunctionException"/> for an error Go would return from the function.</remarks>
public delegate object? TemplateFunction(IReadOnlyList<object?> args);

/// <summary>Marks text that is already safe HTML (Go's html/template <c>template.HTML</c>) so HTML rendering does not escape it.</summary>
public sealed record SafeHtml(string Value) : ITemplateObject
{
    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = null;
        return false;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.HTML";

    /// <summary>Returns the HTML text.</summary>
    public override string ToString() => Value;
}

/// <summary>How a missing map key evaluates, as Go's <c>missingkey</c> option.</summary>
public enum MissingKey
{
    /// <summary>Go's default: the missing value prints as <c>&lt;no value&gt;</c>.</summary>
    Default,

    /// <summary>The zero value of the map's element type (empty string for label maps); Alertmanager's choice.</summary>
    Zero,

    /// <summary>Execution stops with an error.</summary>
    Error,
}
