using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Tests.Schemas;

public sealed class EcmaRegexTests
{
    private static bool Matches(string pattern, string input) => EcmaRegex.TryCreate(pattern, out _)!.IsMatch(input);

    [Fact]
    public void IsMatch_DollarBeforeTrailingNewline_DoesNotMatch()
    {
        Assert.False(Matches("^abc$", "abc\n"));
        Assert.True(Matches("^abc$", "abc"));
    }

    [Fact]
    public void IsMatch_Unanchored_SearchesAnywhere()
    {
        Assert.True(Matches("b+", "abbc"));
        Assert.False(Matches("^b", "ab"));
    }

    [Fact]
    public void IsMatch_DigitAndWordClasses_AreAsciiOnly()
    {
        Assert.False(Matches(@"^\d$", "\u0966")); // DEVANAGARI DIGIT ZERO
        Assert.False(Matches(@"^\w$", "é"));
        Assert.True(Matches(@"^[\w-]+$", "a-b_9"));
    }

    [Fact]
    public void IsMatch_WhitespaceClass_IncludesEcmaWhitespace()
    {
        Assert.True(Matches(@"^\s$", "\u00a0"));
        Assert.True(Matches(@"^\s$", "\ufeff"));
        Assert.False(Matches(@"^\S$", "\u2028"));
    }

    [Fact]
    public void IsMatch_QuantifiedAstralCharacter_RepeatsWholeCharacter()
    {
        Assert.True(Matches("^\ud83d\udc32*$", "\ud83d\udc32\ud83d\udc32"));
        Assert.False(Matches("^\ud83d\udc32*$", "\ud83d\udc32\udc32"));
    }

    [Fact]
    public void TryCreate_LookaheadPattern_FallsBackToBacktrackingEngine()
    {
        Assert.True(Matches("^(?!admin)[a-z]+$", "alice"));
        Assert.False(Matches("^(?!admin)[a-z]+$", "admin"));
    }

    [Fact]
    public void TryCreate_InvalidPattern_ReturnsNullWithError()
    {
        Assert.Null(EcmaRegex.TryCreate("(unclosed", out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
