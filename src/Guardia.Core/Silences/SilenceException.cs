namespace Guardia.Core.Silences;

/// <summary>Why a silence operation was refused.</summary>
public enum SilenceError
{
    /// <summary>The silence is not valid; the message says why, in Alertmanager's words.</summary>
    Invalid = 0,

    /// <summary>No silence has the given id.</summary>
    NotFound = 1,
}

/// <summary>A silence operation was refused; <see cref="Exception.Message"/> is the text Alertmanager answers with.</summary>
public sealed class SilenceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SilenceException(SilenceError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates an <see cref="SilenceError.Invalid"/> exception.</summary>
    public SilenceException()
        : this(SilenceError.Invalid, "silence invalid")
    {
    }

    /// <summary>Creates an <see cref="SilenceError.Invalid"/> exception with a message.</summary>
    public SilenceException(string message)
        : this(SilenceError.Invalid, message)
    {
    }

    /// <summary>Creates an <see cref="SilenceError.Invalid"/> exception with a message and its cause.</summary>
    public SilenceException(string message, Exception innerException)
        : base(message, innerException) => Error = SilenceError.Invalid;

    /// <summary>What kind of refusal this is.</summary>
    public SilenceError Error { get; }

    /// <summary>The message Alertmanager uses for an unknown id.</summary>
    public const string NotFoundMessage = "silence not found";
}
