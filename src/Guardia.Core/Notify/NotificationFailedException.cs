namespace Guardia.Core.Notify;

/// <summary>Thrown by a stage when a notification could not be delivered and will not be retried within this flush.</summary>
public sealed class NotificationFailedException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public NotificationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public NotificationFailedException()
    {
    }
}
