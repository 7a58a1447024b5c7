namespace Guardia.Core.NotificationLog;

/// <summary>One integration of one receiver, as the notification log keys it: receiver name, integration kind and index.</summary>
public sealed record NotificationReceiver(string GroupName, string Integration, int Index)
{
    /// <inheritdoc/>
    public override string ToString() => $"{GroupName}/{Integration}[{Index}]";
}
