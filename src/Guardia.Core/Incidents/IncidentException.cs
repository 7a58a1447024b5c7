namespace Guardia.Core.Incidents;

/// <summary>Why an incident operation was refused.</summary>
public enum IncidentError
{
    /// <summary>An argument is not valid; the message says which and why.</summary>
    Invalid = 0,

    /// <summary>No incident has the given id.</summary>
    NotFound = 1,

    /// <summary>The incident's status does not allow the operation.</summary>
    InvalidTransition = 2,

    /// <summary>An acknowledge token is malformed, tampered with, expired or for another incident.</summary>
    InvalidToken = 3,
}

/// <summary>An incident operation was refused; the message says what was wrong and how to fix it.</summary>
public sealed class IncidentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IncidentException(IncidentError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates an <see cref="IncidentError.Invalid"/> exception.</summary>
    public IncidentException()
        : this(IncidentError.Invalid, "invalid incident operation")
    {
    }

    /// <summary>Creates an <see cref="IncidentError.Invalid"/> exception with a message.</summary>
    public IncidentException(string message)
        : this(IncidentError.Invalid, message)
    {
    }

    /// <summary>Creates an <see cref="IncidentError.Invalid"/> exception with a message and its cause.</summary>
    public IncidentException(string message, Exception innerException)
        : base(message, innerException) => Error = IncidentError.Invalid;

    /// <summary>What kind of refusal this is.</summary>
    public IncidentError Error { get; }
}
