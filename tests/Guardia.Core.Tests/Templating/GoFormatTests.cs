using Guardia.Core.Templating;

namespace Guardia.Core.Tests.Templating;

public sealed class GoFormatTests
{
    static TheoryDataRow<string, object?[], string> Row(string name, string format, object?[] args, string expected) => new(format, args, expected) { TestDisplayName = name };

    // Every expected string is Go's fmt.Sprintf output.
    public static IEnumerable<TheoryDataRow<string, object?[], string>> Cases =>
    [
        Row("string", "%s", ["a"], "a"),
        Row("integer", "%d", [42L], "42"),
        Row("value of float", "%v", [3.5], "3.5"),
        Row("quoted string", "%q", ["q\"x\n"], "\"q\\\"x\\n\""),
        Row("right aligned", "%5s|", ["ab"], "   ab|"),
        Row("left aligned", "%-5s|", ["ab"], "ab   |"),
        Row("percent", "100%%", [], "100%"),
        Row("hex integer", "%x %X %#x", [255L, 255L, 255L], "ff FF 0xff"),
        Row("hex string", "%x", ["hi"], "6869"),
        Row("fixed two decimals", "%.2f", [3.14159], "3.14"),
        Row("fixed default precision", "%f", [2.5], "2.500000"),
        Row("exponent", "%e", [123456.789], "1.234568e+05"),
        Row("general", "%g %g", [0.000012345, 100000000.0], "1.2345e-05 1e+08"),
        Row("zero padded", "%05d|%08.3f", [-42L, -1.5], "-0042|-001.500"),
        Row("plus sign", "%+d %+.1e", [7L, 12345.678], "+7 +1.2e+04"),
        Row("bool", "%t", [true], "true"),
        Row("char", "%c%c", [65L, 241L], "Añ"),
        Row("unicode", "%U", [65L], "U+0041"),
        Row("octal and binary", "%o %b", [8L, 5L], "10 101"),
        Row("type", "%T %T %T %T", ["s", 1L, 1.5, new List<string>()], "string int float64 []string"),
        Row("string precision", "%.3s|%5.1s", ["abcdef", "xyz"], "abc|    x"),
        Row("width for integers", "%-4d|%4d|% d", [7L, 7L, 5L], "7   |   7| 5"),
        Row("round half to even", "%.0f %.0f %.1f %.2f", [2.5, 3.5, 0.05, 1.005], "2 4 0.1 1.00"),
        Row("significant digits", "%.3g %.4g %.4g", [1234.5678, 1234.5, 12345.0], "1.23e+03 1234 1.234e+04"),
        Row("list of strings", "%v %q", [new List<string> { "a", "b" }, new List<string> { "a", "b" }], "[a b] [\"a\" \"b\"]"),
        Row("wrong verb for string", "%d", ["str"], "%!d(string=str)"),
        Row("wrong verb for integer", "%s", [5L], "%!s(int=5)"),
        Row("missing argument", "%d %d", [1L], "1 %!d(MISSING)"),
        Row("extra argument", "%d", [1L, 2L], "1%!(EXTRA int=2)"),
        Row("nil", "%v %s", [null, null], "<nil> %!s(<nil>)"),
        Row("special floats", "%v %v %.2f", [double.NaN, double.PositiveInfinity, double.NegativeInfinity], "NaN +Inf -Inf"),
        Row("star width", "%*d|", [4L, 7L], "   7|"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sprintf_MatchesGo_WhenGivenVerb(string format, object?[] args, string expected)
    {
        Assert.Equal(expected, GoFormat.Sprintf(format, args));
    }

    public static IEnumerable<TheoryDataRow<double, string>> FloatValues =>
    [
        new(1e6, "1e+06") { TestDisplayName = "million uses exponent" },
        new(123456.0, "123456") { TestDisplayName = "six digits stay plain" },
        new(1e21, "1e+21") { TestDisplayName = "large" },
        new(0.1, "0.1") { TestDisplayName = "shortest round trip" },
        new(0.1 + 0.2, "0.30000000000000004") { TestDisplayName = "binary noise is shown" },
        new(-0.0, "-0") { TestDisplayName = "negative zero" },
        new(1.048576e6, "1.048576e+06") { TestDisplayName = "prometheus value" },
    ];

    [Theory]
    [MemberData(nameof(FloatValues))]
    public void FormatValue_PrintsFloatLikeGo_WhenValueIsFloat64(double value, string expected)
    {
        Assert.Equal(expected, GoFormat.FormatValue(value));
    }

    [Fact]
    public void Sprint_AddsSpaces_OnlyBetweenNonStrings()
    {
        Assert.Equal("1 2ab3", GoFormat.Sprint([1L, 2L, "a", "b", 3L]));
    }
}
