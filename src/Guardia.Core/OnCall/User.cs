using Guardia.Core.Configuration;

namespace Guardia.Core.OnCall;

/// <summary>A person who can be on call, with the zone and language their messages use and the ways to reach them.</summary>
/// <param name="Id">The identifier teams, schedules and overrides refer to.</param>
/// <param name="Name">The display name.</param>
/// <param name="Email">The address handoff reports and pages go to by default; null when not given.</param>
/// <param name="TimeZone">The zone the user reads times in (IANA id such as <c>America/Lima</c>).</param>
/// <param name="Locale">The language of messages the user receives: <c>en</c> or <c>es</c>.</param>
/// <param name="ContactMethods">The ways to reach the user, in the order they are tried.</param>
public sealed record User(string Id, string Name, string? Email, TimeZoneInfo TimeZone, string Locale, IReadOnlyList<ContactMethod> ContactMethods);

/// <summary>How a contact method delivers a message.</summary>
public enum ContactMethodType
{
    /// <summary>An email to <see cref="ContactMethod.Address"/>.</summary>
    Email,

    /// <summary>A Slack incoming webhook at <see cref="ContactMethod.Url"/>.</summary>
    Slack,

    /// <summary>A generic webhook at <see cref="ContactMethod.Url"/>, such as an SMS or phone-call gateway.</summary>
    Webhook,

    /// <summary>Guardia's own log (standard output): for trying Guardia out, and as a last resort that always works.</summary>
    Log,
}

/// <summary>One way to reach a user: an email address, or a Slack or generic webhook URL (inline or read from a file).</summary>
/// <param name="Type">How the message is delivered.</param>
/// <param name="Address">The email address for <see cref="ContactMethodType.Email"/>; null otherwise.</param>
/// <param name="Url">The webhook URL, kept as a secret because webhook URLs carry their credentials; null for email or when <paramref name="UrlFile"/> is used.</param>
/// <param name="UrlFile">A file holding the webhook URL, read when sending (as Alertmanager's <c>url_file</c>); null otherwise.</param>
public sealed record ContactMethod(ContactMethodType Type, string? Address = null, Secret? Url = null, string? UrlFile = null);
