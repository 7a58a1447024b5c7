namespace Guardia.Core.Configuration;

/// <summary>A secret configuration value; it prints as <c>&lt;secret&gt;</c> so it cannot leak through logs or the API.</summary>
public sealed record Secret(string Value)
{
    /// <summary>The text shown instead of the secret.</summary>
    public const string Redacted = "<secret>";

    /// <summary>Always <c>&lt;secret&gt;</c>; read <see cref="Value"/> to use the secret.</summary>
    public override string ToString() => Redacted;
}
