using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Tests.Forwarding;

public sealed class QueryBuilderTests
{
    [Fact]
    public void Empty_GivesNoQuery()
    {
        var query = new QueryBuilder().AddRaw(null).AddRaw("").AddRaw("?");
        Assert.True(query.IsEmpty);
        Assert.Equal("", query.ToString());
    }

    [Fact]
    public void Raw_IsKeptByteForByte_WithOrWithoutTheQuestionMark()
    {
        var query = new QueryBuilder().AddRaw("?a=1&&b=%2F+x").AddRaw("c");
        Assert.Equal("?a=1&&b=%2F+x&c", query.ToString());
    }

    [Fact]
    public void Add_EncodesNameAndValue()
    {
        var query = new QueryBuilder().AddRaw("a=1").Add("na me", "x&y=z/é");
        Assert.Equal("?a=1&na%20me=x%26y%3Dz%2F%C3%A9", query.ToString());
    }

    [Fact]
    public void Remove_MatchesTheDecodedName_AndDropsEmptyPairs()
    {
        var query = new QueryBuilder().AddRaw("a=1&&a%20b=2&a+b=3&c=4").Remove("a b");
        Assert.Equal("?a=1&c=4", query.ToString());
        Assert.True(query.Contains("c"));
        Assert.False(query.Contains("a b"));
    }

    [Fact]
    public void Split_DropsEmptyPairsOnly()
    {
        Assert.Equal("?a=1&b&c=", new QueryBuilder().AddRaw("a=1&&b&c=&").Split().ToString());
    }

    [Theory]
    [InlineData("http://b/p", "http://b/p?x=1&y=2")]
    [InlineData("http://b/p?own=1", "http://b/p?own=1&x=1&y=2")]
    public void ApplyTo_AppendsAfterTheTargetsOwnQuery(string target, string expected)
    {
        var uri = new QueryBuilder().AddRaw("x=1").Add("y", "2").ApplyTo(target);
        Assert.Equal(expected, uri.OriginalString);
    }

    [Fact]
    public void ApplyTo_Nothing_KeepsTheTarget() =>
        Assert.Equal("http://b/p?own=1", new QueryBuilder().ApplyTo("http://b/p?own=1").OriginalString);
}
