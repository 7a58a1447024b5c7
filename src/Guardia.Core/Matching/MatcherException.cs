namespace Guardia.Core.Matching;

/// <summary>Thrown when a matcher or its regular expression cannot be parsed; the message reads like Alertmanager's.</summary>
public sealed class MatcherException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public MatcherException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public MatcherException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public MatcherException()
    {
    }
}
