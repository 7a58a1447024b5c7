using System.Globalization;
using System.Text;
using Guardia.Core.Alerts;
using Guardia.Core.Matching;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Silences;

/// <summary>One version of a silence: alerts matching all <see cref="Matchers"/> are muted from <see cref="StartsAt"/> to <see cref="EndsAt"/>.</summary>
/// <remarks>Immutable: every change produces a new version through a method that enforces Alertmanager's rules,
/// so readers can hold a silence without locks.</remarks>
public sealed class Silence
{
    Silence(string id, Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset updatedAt, string createdBy, string comment)
    {
        Id = id;
        Matchers = matchers;
        StartsAt = startsAt;
        EndsAt = endsAt;
        UpdatedAt = updatedAt;
        CreatedBy = createdBy;
        Comment = comment;
    }

    /// <summary>The silence id, a UUID string.</summary>
    public string Id { get; }

    /// <summary>The matchers in the order the client gave them.</summary>
    public Matchers Matchers { get; }

    /// <summary>When the silence starts muting.</summary>
    public DateTimeOffset StartsAt { get; }

    /// <summary>When the silence stops muting.</summary>
    public DateTimeOffset EndsAt { get; }

    /// <summary>When this version was written.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>Who created the silence.</summary>
    public string CreatedBy { get; }

    /// <summary>Why the silence exists.</summary>
    public string Comment { get; }

    /// <summary>Returns the state at <paramref name="now"/>: pending before the start, expired after the end, active otherwise (both ends inclusive, as in Alertmanager).</summary>
    public SilenceState StateAt(DateTimeOffset now) =>
        now < StartsAt ? SilenceState.Pending : now > EndsAt ? SilenceState.Expired : SilenceState.Active;

    /// <summary>Returns whether the silence mutes an alert with <paramref name="labels"/> at <paramref name="now"/>.</summary>
    public bool Mutes(LabelSet labels, DateTimeOffset now) => StateAt(now) == SilenceState.Active && Matchers.Matches(labels);

    /// <summary>Rebuilds a stored silence without validating it again.</summary>
    public static Silence Restore(string id, Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset updatedAt, string createdBy, string comment)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(matchers);
        return new(id, matchers, startsAt, endsAt, updatedAt, createdBy ?? "", comment ?? "");
    }

    /// <summary>Creates a new silence from <paramref name="draft"/>; a start in the past becomes <paramref name="now"/>.</summary>
    /// <exception cref="SilenceException">The draft is invalid.</exception>
    internal static Silence Create(SilenceDraft draft, string id, DateTimeOffset now)
    {
        var matchers = Validate(draft);
        var startsAt = draft.StartsAt < now ? now : draft.StartsAt;
        return Checked(new Silence(id, matchers, startsAt, draft.EndsAt, now, draft.CreatedBy, draft.Comment));
    }

    /// <summary>Returns whether this silence can become <paramref name="draft"/> without rewriting history (Alertmanager's <c>canUpdate</c>):
    /// same matchers in the same order; an active silence keeps its start (to the second) and must not end in the past; a pending one must not start in the past; an expired one never changes.</summary>
    internal bool CanUpdateTo(Matchers matchers, SilenceDraft draft, DateTimeOffset now)
    {
        if (!Matchers.Equals(matchers))
        {
            return false;
        }
        return StateAt(now) switch
        {
            // Alertmanager 0.25 compares an active silence's start to the second, so a client that read the
            // start back with millisecond precision (amtool silence update) still updates in place.
            SilenceState.Active => draft.StartsAt.ToUnixTimeSeconds() == StartsAt.ToUnixTimeSeconds() && draft.EndsAt >= now,
            SilenceState.Pending => draft.StartsAt >= now,
            _ => false,
        };
    }

    /// <summary>Returns this silence changed in place to <paramref name="draft"/>; the caller checked <see cref="CanUpdateTo"/>.</summary>
    internal Silence UpdatedTo(Matchers matchers, SilenceDraft draft, DateTimeOffset now) =>
        Checked(new Silence(Id, matchers, draft.StartsAt, draft.EndsAt, now, draft.CreatedBy, draft.Comment));

    /// <summary>Returns this silence ended at <paramref name="now"/>; a pending silence also starts at <paramref name="now"/> so it never was active.</summary>
    internal Silence ExpiredAt(DateTimeOffset now) => StateAt(now) switch
    {
        SilenceState.Active => new Silence(Id, Matchers, StartsAt, now, now, CreatedBy, Comment),
        SilenceState.Pending => new Silence(Id, Matchers, now, now, now, CreatedBy, Comment),
        _ => this,
    };

    static Silence Checked(Silence s) =>
        s.EndsAt < s.StartsAt ? throw Invalid("end time must not be before start time") : s;

    /// <summary>Validates the matchers of a draft as Alertmanager's <c>validateSilence</c> does and compiles them.</summary>
    /// <exception cref="SilenceException">A matcher is invalid, there is none, or all of them match the empty string.</exception>
    internal static Matchers Validate(SilenceDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Matchers is not { Count: > 0 })
        {
            throw Invalid("at least one matcher required");
        }
        var compiled = new Matcher[draft.Matchers.Count];
        var allMatchEmpty = true;
        for (var i = 0; i < compiled.Length; i++)
        {
            var m = draft.Matchers[i];
            if (!LabelNames.IsValid(m.Name))
            {
                throw Invalid($"invalid label matcher {i}: invalid label name {GoQuote(m.Name)}");
            }
            if (m.Type is MatchType.Equal or MatchType.NotEqual && !LabelNames.IsValidValue(m.Value))
            {
                throw Invalid($"invalid label matcher {i}: invalid label value {GoQuote(m.Value)}");
            }
            try
            {
                compiled[i] = new Matcher(m.Type, m.Name, m.Value);
            }
            catch (MatcherException ex)
            {
                throw new SilenceException($"silence invalid: invalid label matcher {i}: invalid regular expression {GoQuote(m.Value)}: {ex.Message}", ex);
            }
            // Alertmanager 0.25 counts only = and =~ matchers as matching the empty string: one negative matcher
            // makes any silence acceptable, even a!="x" alone.
            allMatchEmpty &= m.Type is MatchType.Equal or MatchType.Regexp && compiled[i].Matches("");
        }
        // A silence whose every matcher matches the empty string would silence every alert.
        if (allMatchEmpty)
        {
            throw Invalid("at least one matcher must not match the empty string");
        }
        return Matchers.Of(compiled);
    }

    static SilenceException Invalid(string reason) => new(SilenceError.Invalid, "silence invalid: " + reason);

    /// <summary>Quotes a string as Go's <c>%q</c> does for printable text.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
