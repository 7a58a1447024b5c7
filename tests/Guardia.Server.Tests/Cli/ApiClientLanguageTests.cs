using Guardia.Server.Cli;

namespace Guardia.Server.Tests.Cli;

public sealed class ApiClientLanguageTests
{
    [Theory]
    [InlineData("es", null, null, null, "es")]
    [InlineData(" EN ", "es_PE.UTF-8", null, null, "en")]
    [InlineData(null, "es_PE.UTF-8", "en_US.UTF-8", "en_US.UTF-8", "es")]
    [InlineData(null, null, "es_MX.UTF-8", "en_US.UTF-8", "es")]
    [InlineData(null, null, null, "es_ES.UTF-8", "es")]
    [InlineData(null, "", "", "es", "es")]
    [InlineData(null, "C.UTF-8", null, "es_ES.UTF-8", "en")]
    [InlineData(null, null, null, "en_US.UTF-8", "en")]
    [InlineData(null, null, null, null, "en")]
    public void ChooseLanguage_OptionFirst_ThenTheLocaleVariablesInOrder(string? option, string? lcAll, string? lcMessages, string? lang, string expected)
    {
        var environment = new Dictionary<string, string?> { ["LC_ALL"] = lcAll, ["LC_MESSAGES"] = lcMessages, ["LANG"] = lang };
        Assert.Equal(expected, ApiClientOptions.ChooseLanguage(option, name => environment[name]));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("español")]
    [InlineData("es-PE")]
    public void ChooseLanguage_RefusesAnythingButEnOrEs(string option)
    {
        var ex = Assert.Throws<ApiClientException>(() => ApiClientOptions.ChooseLanguage(option, _ => null));
        Assert.Contains("is not en or es", ex.Message, StringComparison.Ordinal);
    }
}
