using System.Text;
using Guardia.Core.Silences;
using Guardia.Server.Api.AlertmanagerV2;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Server.Tests.Api.AlertmanagerV2;

public sealed class PostableSilenceReaderTests
{
    static (SilenceDraft? Draft, PostableSilenceReader.Error? Error) Read(string json) => PostableSilenceReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Read_ReturnsEveryField_WhenBodyIsValid()
    {
        var (draft, error) = Read("""
            {"id":"8d3df5de-f037-4cfd-acc7-3b1465ded918","comment":"mantenimiento","createdBy":"ana","extra":1,
             "startsAt":"2026-01-02T03:04:05.123456789Z","endsAt":"2026-01-02T04:00:00+02:00",
             "matchers":[{"name":"a","value":"b","isRegex":false},{"name":"c","value":"d.*","isRegex":true,"isEqual":false},
                         {"name":"e","value":"f","isRegex":false,"isEqual":false},{"name":"g","value":"h.+","isRegex":true,"isEqual":true}]}
            """);
        Assert.Null(error);
        Assert.Equal("8d3df5de-f037-4cfd-acc7-3b1465ded918", draft!.Id);
        Assert.Equal("mantenimiento", draft.Comment);
        Assert.Equal("ana", draft.CreatedBy);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), draft.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero), draft.EndsAt);
        Assert.Equal([MatchType.Equal, MatchType.NotRegexp, MatchType.NotEqual, MatchType.Regexp], draft.Matchers.Select(m => m.Type));
    }

    static TheoryDataRow<string, int, int, string> Err(string name, string json, int status, int code, string message) =>
        new(json, status, code, message) { TestDisplayName = name };

    const string Ok = "\"startsAt\":\"2026-01-02T03:04:05Z\",\"endsAt\":\"2026-01-02T04:04:05Z\"";

    public static IEnumerable<TheoryDataRow<string, int, int, string>> Errors =>
    [
        Err("empty body", "", 422, 602, "silence in body is required"),
        Err("missing comment first", "{}", 422, 602, "comment in body is required"),
        Err("null counts as missing", "{\"comment\":null}", 422, 602, "comment in body is required"),
        Err("missing createdBy", "{\"comment\":\"c\"}", 422, 602, "createdBy in body is required"),
        Err("missing endsAt", "{\"comment\":\"c\",\"createdBy\":\"a\"}", 422, 602, "endsAt in body is required"),
        Err("empty matchers", "{\"comment\":\"c\",\"createdBy\":\"a\"," + Ok + ",\"matchers\":[]}", 422, 612, "matchers in body should have at least 1 items"),
        Err("matcher without isRegex", "{\"comment\":\"c\",\"createdBy\":\"a\"," + Ok + ",\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}]}", 422, 602, "matchers.0.isRegex in body is required"),
        Err("wrong type", "{\"comment\":5}", 400, 400, "parsing silence body from \"\" failed, because json: cannot unmarshal number into Go struct field Silence.comment of type string"),
        Err("not json", "garbage", 400, 400, "parsing silence body from \"\" failed, because the body is not valid JSON: 'g' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0."),
        Err("bad time", "{\"comment\":\"c\",\"createdBy\":\"a\",\"startsAt\":\"yesterday\",\"endsAt\":\"2026-01-02T04:04:05Z\"}", 400, 400,
            "parsing silence body from \"\" failed, because parsing time \"yesterday\" for startsAt: expected RFC 3339, e.g. 2006-01-02T15:04:05Z or 2006-01-02T15:04:05.000+02:00"),
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void Read_ReturnsAlertmanagersError_WhenBodyIsBad(string json, int status, int code, string message)
    {
        var (draft, error) = Read(json);
        Assert.Null(draft);
        Assert.Equal(new PostableSilenceReader.Error(status, code, message), error);
    }
}
