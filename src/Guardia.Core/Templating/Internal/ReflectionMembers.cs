using System.Collections.Concurrent;
using System.Reflection;

namespace Guardia.Core.Templating.Internal;

/// <summary>Reaches public properties and methods of plain objects (records, classes) by exact name, as Go reaches struct fields and methods.</summary>
/// <remarks>The slower path: types on hot paths implement <see cref="ITemplateObject"/> instead. Lookups are cached per type and name.</remarks>
static class ReflectionMembers
{
    static readonly ConcurrentDictionary<(Type, string), MemberInfo?> Cache = new();

    public static bool TryGet(object receiver, string name, out object? value)
    {
        var member = Cache.GetOrAdd((receiver.GetType(), name), static key => Find(key.Item1, key.Item2));
        switch (member)
        {
            case PropertyInfo p:
                value = Normalize(p.GetValue(receiver));
                return true;
            case MethodInfo m:
                value = (TemplateFunction)(args => Invoke(m, receiver, args));
                return true;
            default:
                value = null;
                return false;
        }
    }

    static MemberInfo? Find(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property is not null && property.GetIndexParameters().Length == 0)
        {
            return property;
        }
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == name && !m.IsSpecialName && !m.IsGenericMethodDefinition && m.DeclaringType != typeof(object))
            .ToList();
        return methods.Count == 1 ? methods[0] : null;
    }

    static object? Invoke(MethodInfo method, object receiver, IReadOnlyList<object?> args)
    {
        var parameters = method.GetParameters();
        if (parameters.Length != args.Count)
        {
            throw new TemplateFunctionException($"wrong number of args for {method.Name}: want {parameters.Length} got {args.Count}") { IsArgumentError = true };
        }
        var converted = new object?[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            converted[i] = Convert(args[i], parameters[i].ParameterType);
        }
        try
        {
            return Normalize(method.Invoke(receiver, converted));
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new TemplateFunctionException(e.InnerException.Message, e.InnerException);
        }
    }

    static object? Convert(object? value, Type type)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value;
        }
        if (value is long l && type == typeof(int))
        {
            return (int)l;
        }
        if (value is long n && type == typeof(double))
        {
            return (double)n;
        }
        throw new TemplateFunctionException($"wrong type for value; expected {type.Name}; got {GoFormat.TypeName(value)}") { IsArgumentError = true };
    }

    // Template values use Go's int and float64; CLR ints and floats are widened so comparisons and printf behave.
    static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        float f => (double)f,
        decimal d => (double)d,
        DateTimeOffset t => GoTime.From(t),
        _ => value,
    };
}
