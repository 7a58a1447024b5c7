namespace Guardia.Core.Templating;

/// <summary>The Go parameter types of a template function, so that argument count and type errors are reported
/// before and while arguments are evaluated, at the node Go names.</summary>
/// <param name="Parameters">Go type names: <c>string</c>, <c>[]string</c>, <c>time.Time</c>, or <c>any</c> for interface{}.</param>
/// <param name="Variadic">True when the last parameter repeats (Go's <c>...T</c>).</param>
public sealed record FunctionSignature(IReadOnlyList<string> Parameters, bool Variadic = false)
{
    /// <summary>Builds a fixed-arity signature.</summary>
    public static FunctionSignature Of(params string[] parameters) => new(parameters);

    /// <summary>Builds a signature whose last parameter repeats.</summary>
    public static FunctionSignature VariadicOf(params string[] parameters) => new(parameters, Variadic: true);

    internal string? CountError(string name, int count)
    {
        if (Variadic)
        {
            var min = Parameters.Count - 1;
            return count < min ? $"wrong number of args for {name}: want at least {min} got {count}" : null;
        }
        return count != Parameters.Count ? $"wrong number of args for {name}: want {Parameters.Count} got {count}" : null;
    }

    internal string TypeAt(int index) =>
        Variadic && index >= Parameters.Count - 1 ? Parameters[^1] : index < Parameters.Count ? Parameters[index] : "any";

    internal static bool Accepts(string type, object? value) => type switch
    {
        "string" => value is string or SafeHtml,
        "[]string" => value is IEnumerable<string>,
        "time.Time" => value is GoTime,
        _ => true,
    };
}
