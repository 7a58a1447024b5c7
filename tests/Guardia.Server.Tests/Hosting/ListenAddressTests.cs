using System.Net;
using Guardia.Server.Cli;
using Guardia.Server.Hosting;

namespace Guardia.Server.Tests.Hosting;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9093", "127.0.0.1", 9093)]
    [InlineData(":9093", "0.0.0.0", 9093)]
    [InlineData("localhost:80", "127.0.0.1", 80)]
    [InlineData("[::1]:9093", "::1", 9093)]
    public void TryParseListenAddress_AcceptsAlertmanagersForms(string text, string address, int port)
    {
        Assert.True(GuardiaHost.TryParseListenAddress(text, out var ep));
        Assert.Equal(IPAddress.Parse(address), ep.Address);
        Assert.Equal(port, ep.Port);
    }

    [Theory]
    [InlineData("9093")]
    [InlineData("host:")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("not a host:80")]
    public void TryParseListenAddress_Refuses_WhenNotHostPort(string text)
    {
        Assert.False(GuardiaHost.TryParseListenAddress(text, out _));
    }

    [Theory]
    [InlineData("120h", 120 * 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1d", 86400)]
    public void Durations_ParsePrometheusStyle(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    [InlineData("h")]
    public void Durations_Refuse_WhenMalformed(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }
}
