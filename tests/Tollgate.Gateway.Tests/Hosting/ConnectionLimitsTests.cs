using Tollgate.Gateway.Hosting;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Hosting;

public sealed class ConnectionLimitsTests
{
    private const string ProcLimits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            20000                40000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void ParseOpenFileLimit_TheSoftLimit() =>
        Assert.Equal(20000, ConnectionLimits.ParseOpenFileLimit(ProcLimits));

    [Theory]
    [InlineData("Max open files            unlimited            unlimited            files")]
    [InlineData("Max cpu time              unlimited            unlimited            seconds")]
    [InlineData("")]
    public void ParseOpenFileLimit_UnlimitedOrAbsent_Null(string text) =>
        Assert.Null(ConnectionLimits.ParseOpenFileLimit(text));

    [Theory]
    // (limit − open now − reserve of an eighth, 128 to 1,024) / 2: a backend connection for each.
    [InlineData(512, 200, 92)]
    [InlineData(1024, 200, 348)]
    [InlineData(20000, 200, 9388)]
    [InlineData(1_048_576, 200, 20_000)]   // memory, not descriptors, bounds it then
    [InlineData(100, 90, 16)]              // never below 16
    public void Derived_FromTheOpenFileLimit(long limit, int openNow, int expected)
    {
        var limits = ConnectionLimits.For(new ServerSettings(), limit, openNow, out var warning);
        Assert.Equal(expected, limits.MaxConnections);
        Assert.Equal(Math.Max(1, expected / 5), limits.MaxUpgradedConnections);
        Assert.Null(warning);
    }

    [Fact]
    public void UnknownLimit_TenThousand()
    {
        var limits = ConnectionLimits.For(new ServerSettings(), null, 0, out var warning);
        Assert.Equal(10_000, limits.MaxConnections);
        Assert.Equal(2_000, limits.MaxUpgradedConnections);
        Assert.Null(warning);
    }

    [Fact]
    public void Configured_KeptAsGiven_UpgradesNeverMoreThanConnections()
    {
        var limits = ConnectionLimits.For(new ServerSettings { MaxConnections = 50, MaxUpgradedConnections = 80 }, 20000, 200, out var warning);
        Assert.Equal(50, limits.MaxConnections);
        Assert.Equal(50, limits.MaxUpgradedConnections);
        Assert.Null(warning);
    }

    [Fact]
    public void Configured_MoreThanTheDescriptorsCarry_Warns()
    {
        var limits = ConnectionLimits.For(new ServerSettings { MaxConnections = 5000 }, 1024, 200, out var warning);
        Assert.Equal(5000, limits.MaxConnections);
        Assert.Equal(
            "server: maxConnections 5000 may need 10000 file descriptors with their backend connections, more than the open-file limit of 1024 leaves (348 connections); raise the limit (ulimit -n, systemd LimitNOFILE=) or lower it.",
            warning);
    }

    [Fact]
    public void ThisProcess_HasALimitAndOpenFiles()
    {
        Assert.NotNull(ConnectionLimits.ReadOpenFileLimit());
        Assert.InRange(ConnectionLimits.CountOpenFiles(), 3, int.MaxValue);
    }
}
