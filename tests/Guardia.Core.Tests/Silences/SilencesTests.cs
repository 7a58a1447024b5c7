using Guardia.Core.Alerts;
using Guardia.Core.Matching;
using Guardia.Core.Silences;
using Microsoft.Extensions.Time.Testing;
using MatchType = Guardia.Core.Matching.MatchType;
using SilenceService = Guardia.Core.Silences.Silences;

namespace Guardia.Core.Tests.Silences;

public sealed class SilencesTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Retention = TimeSpan.FromHours(120);
    readonly FakeTimeProvider _time = new(T0);
    readonly InMemorySilenceStore _store = new();
    readonly SilenceService _silences;

    public SilencesTests() => _silences = new SilenceService(_store, _time, Retention);

    public void Dispose() => _silences.Dispose();

    static SilenceMatcher Eq(string name, string value) => new(name, value, MatchType.Equal);

    static SilenceDraft Draft(int startMin, int endMin, params SilenceMatcher[] matchers) => new()
    {
        Matchers = matchers.Length == 0 ? [Eq("alertname", "DiskFull")] : matchers,
        StartsAt = T0.AddMinutes(startMin),
        EndsAt = T0.AddMinutes(endMin),
        CreatedBy = "ana",
        Comment = "mantenimiento",
    };

    static TheoryDataRow<int, int, int, SilenceState> State(string name, int startMin, int endMin, int nowMin, SilenceState expected) =>
        new(startMin, endMin, nowMin, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<int, int, int, SilenceState>> StateCases =>
    [
        State("before start is pending", 10, 20, 5, SilenceState.Pending),
        State("at start is active", 10, 20, 10, SilenceState.Active),
        State("between is active", 10, 20, 15, SilenceState.Active),
        State("at end is still active", 10, 20, 20, SilenceState.Active),
        State("after end is expired", 10, 20, 21, SilenceState.Expired),
    ];

    [Theory]
    [MemberData(nameof(StateCases))]
    public async Task StateAt_FollowsTheClock_WhenTimePasses(int startMin, int endMin, int nowMin, SilenceState expected)
    {
        var id = await _silences.SetAsync(Draft(startMin, endMin), default);
        Assert.Equal(expected, _silences.Get(id)!.StateAt(T0.AddMinutes(nowMin)));
    }

    [Fact]
    public async Task Set_CreatesDurableSilence_WithStartMovedToNow_WhenStartIsInThePast()
    {
        _time.Advance(TimeSpan.FromMinutes(5));
        var id = await _silences.SetAsync(Draft(0, 60), default);
        var s = _silences.Get(id)!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(T0.AddMinutes(5), s.StartsAt);
        Assert.Equal(T0.AddMinutes(5), s.UpdatedAt);
        Assert.Same(s, _store.Rows[id]);
    }

    static TheoryDataRow<SilenceMatcher[], string> Bad(string name, string message, params SilenceMatcher[] matchers) =>
        new(matchers, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<SilenceMatcher[], string>> InvalidCases =>
    [
        Bad("no matchers", "silence invalid: at least one matcher required"),
        Bad("empty equality matches everything", "silence invalid: at least one matcher must not match the empty string", Eq("foo", "")),
        Bad("dot star matches everything", "silence invalid: at least one matcher must not match the empty string", new SilenceMatcher("foo", ".*", MatchType.Regexp)),
        Bad("optional regex matches everything", "silence invalid: at least one matcher must not match the empty string", new SilenceMatcher("foo", "x|", MatchType.Regexp), Eq("bar", "")),
        Bad("invalid label name", "silence invalid: invalid label matcher 1: invalid label name \"a-b\"", Eq("a", "b"), Eq("a-b", "x")),
        Bad("empty label name", "silence invalid: invalid label matcher 0: invalid label name \"\"", Eq("", "x")),
        Bad("invalid label value", "silence invalid: invalid label matcher 0: invalid label value \"\ud800\"", Eq("a", "\ud800")),
    ];

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Set_Throws_WhenSilenceIsInvalid(SilenceMatcher[] matchers, string message)
    {
        var draft = Draft(0, 60) with { Matchers = matchers };
        var ex = await Assert.ThrowsAsync<SilenceException>(() => _silences.SetAsync(draft, default));
        Assert.Equal(SilenceError.Invalid, ex.Error);
        Assert.Equal(message, ex.Message);
        Assert.Empty(_store.Rows);
    }

    [Fact]
    public async Task Set_ThrowsInvalid_WhenRegexDoesNotCompile()
    {
        var draft = Draft(0, 60) with { Matchers = [new SilenceMatcher("a", "(", MatchType.Regexp)] };
        var ex = await Assert.ThrowsAsync<SilenceException>(() => _silences.SetAsync(draft, default));
        Assert.StartsWith("silence invalid: invalid label matcher 0: invalid regular expression \"(\":", ex.Message, StringComparison.Ordinal);
    }

    public static IEnumerable<TheoryDataRow<SilenceMatcher[]>> AcceptedCases =>
    [
        new([Eq("foo", "bar")]) { TestDisplayName = "plain equality" },
        new([new SilenceMatcher("foo", "x", MatchType.NotEqual)]) { TestDisplayName = "negative matcher alone (0.25 accepts it)" },
        new([new SilenceMatcher("foo", "", MatchType.NotEqual), Eq("bar", "")]) { TestDisplayName = "foo!=\"\" with bar=\"\"" },
        new([new SilenceMatcher("foo", "a.+", MatchType.Regexp), Eq("bar", "")]) { TestDisplayName = "one regex not matching empty" },
    ];

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public async Task Set_Accepts_WhenOneMatcherNeedsALabel(SilenceMatcher[] matchers)
    {
        var id = await _silences.SetAsync(Draft(0, 60) with { Matchers = matchers }, default);
        Assert.NotNull(_silences.Get(id));
    }

    [Fact]
    public async Task Set_ThrowsNotFound_WhenIdIsUnknown()
    {
        var ex = await Assert.ThrowsAsync<SilenceException>(() => _silences.SetAsync(Draft(0, 60) with { Id = Guid.NewGuid().ToString() }, default));
        Assert.Equal(SilenceError.NotFound, ex.Error);
        Assert.Equal("silence not found", ex.Message);
    }

    /// <summary>One update case: the silence starts at minute 10, ends at 60; the clock is at <c>NowMin</c>.</summary>
    public sealed record UpdateCase(int NowMin, int NewStartMin, int NewEndMin, bool OtherMatchers, bool InPlace, int StartShiftMs = 0);

    static TheoryDataRow<UpdateCase> Upd(string name, int nowMin, int startMin, int endMin, bool inPlace, bool otherMatchers = false, int startShiftMs = 0) =>
        new(new UpdateCase(nowMin, startMin, endMin, otherMatchers, inPlace, startShiftMs)) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<UpdateCase>> UpdateCases =>
    [
        Upd("active: extend the end", 20, 10, 90, inPlace: true),
        Upd("active: shorten the end, still in the future", 20, 10, 30, inPlace: true),
        Upd("active: moving the start replaces", 20, 12, 90, inPlace: false),
        Upd("active: start moved within the same second is kept", 20, 10, 90, inPlace: true, startShiftMs: 300),
        Upd("active: start moved by a second replaces", 20, 10, 90, inPlace: false, startShiftMs: 1000),
        Upd("active: other matchers replace", 20, 10, 90, inPlace: false, otherMatchers: true),
        Upd("pending: move start later", 5, 30, 90, inPlace: true),
        Upd("pending: move start earlier but in the future", 5, 6, 90, inPlace: true),
        Upd("pending: start in the past replaces", 5, 2, 90, inPlace: false),
        Upd("expired: never updated in place", 70, 10, 120, inPlace: false),
    ];

    [Theory]
    [MemberData(nameof(UpdateCases))]
    public async Task Set_UpdatesInPlaceOnlyWhenAlertmanagerWould_WhenIdExists(UpdateCase c)
    {
        var id = await _silences.SetAsync(Draft(10, 60), default);
        _time.Advance(TimeSpan.FromMinutes(c.NowMin));
        var now = T0.AddMinutes(c.NowMin);
        var draft = Draft(c.NewStartMin, c.NewEndMin) with { Id = id, Comment = "cambiado" };
        draft = draft with { StartsAt = draft.StartsAt.AddMilliseconds(c.StartShiftMs) };
        if (c.OtherMatchers)
        {
            draft = draft with { Matchers = [Eq("alertname", "DiskFull"), Eq("host", "db1")] };
        }

        var newId = await _silences.SetAsync(draft, default);

        var old = _silences.Get(id)!;
        if (c.InPlace)
        {
            Assert.Equal(id, newId);
            Assert.Equal(T0.AddMinutes(c.NewEndMin), old.EndsAt);
            Assert.Equal("cambiado", old.Comment);
            Assert.Equal(now, old.UpdatedAt);
            Assert.Equal(1, _silences.Count);
        }
        else
        {
            Assert.NotEqual(id, newId);
            Assert.Equal(SilenceState.Expired, old.StateAt(now.AddTicks(1)));
            Assert.Equal("mantenimiento", old.Comment);
            var created = _silences.Get(newId)!;
            Assert.Equal(c.NewStartMin < c.NowMin ? now : draft.StartsAt, created.StartsAt);
            Assert.Equal("cambiado", created.Comment);
            Assert.Equal(2, _silences.Count);
        }
    }

    [Fact]
    public async Task Set_ThrowsAndKeepsOldSilence_WhenActiveSilenceWouldEndInThePast()
    {
        var id = await _silences.SetAsync(Draft(10, 60), default);
        _time.Advance(TimeSpan.FromMinutes(20));
        var ex = await Assert.ThrowsAsync<SilenceException>(() => _silences.SetAsync(Draft(10, 15) with { Id = id }, default));
        Assert.Equal("silence invalid: end time must not be before start time", ex.Message);
        Assert.Equal(SilenceState.Active, _silences.Get(id)!.StateAt(_time.GetUtcNow()));
    }

    [Fact]
    public async Task Set_LeavesOldSilenceUntouched_WhenReplacementIsInvalid()
    {
        var id = await _silences.SetAsync(Draft(0, 60), default);
        var before = _silences.Get(id);
        await Assert.ThrowsAsync<SilenceException>(() => _silences.SetAsync(Draft(0, 60, Eq("foo", "")) with { Id = id }, default));
        Assert.Same(before, _silences.Get(id));
    }

    public static IEnumerable<TheoryDataRow<int, int, int, int>> ExpireCases =>
    [
        new(0, 60, 20, 0) { TestDisplayName = "active: ends now, start kept" },
        new(30, 60, 20, 20) { TestDisplayName = "pending: starts and ends now" },
    ];

    [Theory]
    [MemberData(nameof(ExpireCases))]
    public async Task Expire_EndsSilenceNow_WhenNotExpired(int startMin, int endMin, int nowMin, int expectedStartMin)
    {
        var id = await _silences.SetAsync(Draft(startMin, endMin), default);
        _time.Advance(TimeSpan.FromMinutes(nowMin));

        Assert.True(await _silences.ExpireAsync(id, default));

        var s = _store.Rows[id];
        Assert.Equal(T0.AddMinutes(expectedStartMin), s.StartsAt);
        Assert.Equal(T0.AddMinutes(nowMin), s.EndsAt);
        Assert.Equal(SilenceState.Expired, s.StateAt(_time.GetUtcNow().AddMilliseconds(1)));
    }

    [Fact]
    public async Task Expire_ReturnsFalseAndChangesNothing_WhenAlreadyExpired()
    {
        var id = await _silences.SetAsync(Draft(0, 60), default);
        _time.Advance(TimeSpan.FromMinutes(61));
        var saves = _store.Saves;
        Assert.False(await _silences.ExpireAsync(id, default));
        Assert.Equal(saves, _store.Saves);
    }

    [Fact]
    public async Task Expire_ThrowsNotFound_WhenIdIsUnknown()
    {
        var ex = await Assert.ThrowsAsync<SilenceException>(() => _silences.ExpireAsync("8d3df5de-f037-4cfd-acc7-3b1465ded918", default));
        Assert.Equal(SilenceError.NotFound, ex.Error);
    }

    [Fact]
    public async Task Collect_DeletesOnlySilencesEndedLongerThanRetentionAgo()
    {
        var old = await _silences.SetAsync(Draft(0, 60), default);
        var recent = await _silences.SetAsync(Draft(0, 120), default);
        _time.Advance(TimeSpan.FromMinutes(60) + Retention);

        Assert.Equal(1, await _silences.CollectAsync(default));

        Assert.Null(_silences.Get(old));
        Assert.False(_store.Rows.ContainsKey(old));
        Assert.NotNull(_silences.Get(recent));
    }

    [Fact]
    public async Task Load_RestoresStoredSilences_AndCollectsThosePastRetention()
    {
        var keep = await _silences.SetAsync(Draft(0, 60 * 24 * 10), default);
        var drop = await _silences.SetAsync(Draft(0, 60), default);
        _time.Advance(Retention + TimeSpan.FromHours(2));
        using var again = new SilenceService(_store, _time, Retention);

        await again.LoadAsync(default);

        Assert.NotNull(again.Get(keep));
        Assert.Null(again.Get(drop));
    }

    static TheoryDataRow<SilenceMatcher, string, bool> Mute(string name, SilenceMatcher m, string value, bool muted) =>
        new(m, value, muted) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<SilenceMatcher, string, bool>> MuteCases =>
    [
        Mute("equality", Eq("env", "prod"), "prod", true),
        Mute("equality other value", Eq("env", "prod"), "dev", false),
        Mute("regex is anchored", new SilenceMatcher("env", "pro", MatchType.Regexp), "prod", false),
        Mute("regex alternation", new SilenceMatcher("env", "prod|staging", MatchType.Regexp), "staging", true),
        Mute("negative equality on absent label", new SilenceMatcher("env", "prod", MatchType.NotEqual), "", true),
        Mute("not regex", new SilenceMatcher("env", "dev|qa", MatchType.NotRegexp), "qa", false),
    ];

    [Theory]
    [MemberData(nameof(MuteCases))]
    public async Task Silencer_MutesMatchingAlerts_WhenSilenceIsActive(SilenceMatcher matcher, string env, bool muted)
    {
        var id = await _silences.SetAsync(Draft(0, 60, Eq("alertname", "DiskFull"), matcher), default);
        var labels = env.Length == 0 ? LabelSet.Of(("alertname", "DiskFull")) : LabelSet.Of(("alertname", "DiskFull"), ("env", env));
        var silencer = new Silencer(_silences);

        Assert.Equal(muted, silencer.Mutes(labels, T0.AddMinutes(1)));
        Assert.Equal(muted ? [id] : [], silencer.SilencedBy(labels, T0.AddMinutes(1)));
    }

    [Fact]
    public async Task Silencer_DoesNotMute_WhenSilenceIsPendingOrExpired()
    {
        await _silences.SetAsync(Draft(10, 20), default);
        var silencer = new Silencer(_silences);
        var labels = LabelSet.Of(("alertname", "DiskFull"));
        Assert.False(silencer.Mutes(labels, T0.AddMinutes(5)));
        Assert.True(silencer.Mutes(labels, T0.AddMinutes(15)));
        Assert.False(silencer.Mutes(labels, T0.AddMinutes(25)));
    }

    [Fact]
    public async Task Query_FiltersByStateAndLabels()
    {
        await _silences.SetAsync(Draft(0, 60), default);
        await _silences.SetAsync(Draft(30, 60, Eq("alertname", "Other")), default);
        var now = T0.AddMinutes(1);
        Assert.Single(_silences.Query(now, SilenceState.Active));
        Assert.Single(_silences.Query(now, SilenceState.Pending));
        Assert.Single(_silences.Query(now, labels: LabelSet.Of(("alertname", "Other"))));
    }

    [Fact]
    public async Task HasMatchers_RequiresTheExactMatcher_AsTheApiFilterDoes()
    {
        var id = await _silences.SetAsync(Draft(0, 60, Eq("a", "b"), new SilenceMatcher("c", "d.*", MatchType.Regexp)), default);
        var s = _silences.Get(id)!;
        Assert.True(SilenceService.HasMatchers(s, [MatcherParser.ParseMatcher("c=~\"d.*\"")]));
        Assert.False(SilenceService.HasMatchers(s, [MatcherParser.ParseMatcher("c=\"d.*\"")]));
        Assert.False(SilenceService.HasMatchers(s, [MatcherParser.ParseMatcher("a=\"b\""), MatcherParser.ParseMatcher("x=\"y\"")]));
    }

    [Fact]
    public async Task Set_StoresEverySilence_WhenCalledConcurrently()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => _silences.SetAsync(Draft(0, 60, Eq("host", $"h{i}")), default))));
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, _store.Rows.Count);
        Assert.Equal(50, _silences.Count);
    }
}
