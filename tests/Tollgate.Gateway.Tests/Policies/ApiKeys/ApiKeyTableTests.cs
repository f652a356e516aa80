using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.ApiKeys;
using Tollgate.Gateway.Tests.Policies.Throttling;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;

namespace Tollgate.Gateway.Tests.Policies.ApiKeys;

public sealed class ApiKeyTableTests
{
    private readonly Tollgate.Gateway.Policies.Throttling.UsageSnapshot _snapshot = Compile(NewConfig());

    [Theory]
    [InlineData(TenantA, "Accepted")]
    [InlineData(null, "Missing")]
    [InlineData("", "Missing")]
    [InlineData("not-a-key-0123456789abcdef", "Unknown")]
    [InlineData(Disabled, "Disabled")]
    [InlineData(Loner, "NotInPlan")]
    public void Check_KeyValue_GivesOutcome(string? value, string outcome)
    {
        var expected = Enum.Parse<ApiKeyOutcome>(outcome);
        var check = _snapshot.Keys.Check(_snapshot.FindStage("orders", "live")!, value);
        Assert.Equal(expected, check.Outcome);
        Assert.Equal(expected == ApiKeyOutcome.Accepted, check.Accepted);
    }

    [Fact]
    public void Check_AcceptedKey_CarriesIdAndPlan()
    {
        var check = _snapshot.Keys.Check(_snapshot.FindStage("orders", "live")!, TenantB);
        Assert.Equal("bbbbbbbbbb", check.Key!.Id);
        Assert.Equal("gold1", check.Plan!.Plan.Id);
    }

    [Fact]
    public void DeriveId_SameName_IsStableTenLowercaseCharacters()
    {
        var id = ApiKey.DeriveId("tenant-a");
        Assert.Equal(id, new ApiKey { Name = "tenant-a" }.Id);
        Assert.Matches("^[a-z2-7]{10}$", id);
        Assert.NotEqual(id, ApiKey.DeriveId("tenant-b"));
        Assert.Equal("given", new ApiKey { Name = "tenant-a", Id = "given" }.Id);
    }

    [Fact]
    public void ToString_ApiKeyRecord_NeverPrintsTheValue()
    {
        var key = new ApiKey { Name = "tenant-a", Value = TenantA, Description = "x" };
        Assert.DoesNotContain(TenantA, key.ToString(), StringComparison.Ordinal);
        Assert.Contains("tenant-a", key.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "abcd...")]
    [InlineData("short-key", "...")]
    [InlineData("", "(none)")]
    [InlineData(null, "(none)")]
    public void Prefix_Value_ShowsAtMostFourCharacters(string? value, string expected) =>
        Assert.Equal(expected, ApiKeyRedaction.Prefix(value));
}
