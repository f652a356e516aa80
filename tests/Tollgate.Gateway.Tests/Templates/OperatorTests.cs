using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class OperatorTests
{
    [Theory]
    [InlineData("5/2", "2")]
    [InlineData("-7/2", "-3")]
    [InlineData("7 % 3", "1")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("5.0/2", "2.5")]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 2 - 3", "5")]
    [InlineData("1.5 + 1", "2.5")]
    [InlineData("2 * 0.5", "1.0")]
    [InlineData("'a' + 1", "a1")]
    [InlineData("1 + 'a'", "1a")]
    [InlineData("'x' + 'y'", "xy")]
    [InlineData("9223372036854775807 + 1", "9.223372036854776E18")]
    [InlineData("-5", "-5")]
    [InlineData("-$n", "-4")]
    public void Arithmetic_Expression_Evaluates(string expression, string expected) =>
        Assert.Equal(expected, Render($"#set($r = {expression})$r", ("n", 4)));

    [Theory]
    [InlineData("5/0")]
    [InlineData("5 % 0")]
    [InlineData("$missing + 1")]
    [InlineData("'a' - 1")]
    public void Arithmetic_Invalid_IsNullSoSetIsSkipped(string expression) =>
        Assert.Equal("old", Render($"#set($r = 'old')#set($r = {expression})$r"));

    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 == 1.0", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'5' == 5", true)]
    [InlineData("'a' != 'b'", true)]
    [InlineData("$missing == $null", true)]
    [InlineData("$missing == 1", false)]
    [InlineData("$missing == \"\"", true)]
    [InlineData("'' == $missing", true)]
    [InlineData("$missing != ''", false)]
    [InlineData("$missing == ' '", false)]
    [InlineData("$missing == 'a'", false)]
    [InlineData("2 < 3", true)]
    [InlineData("3 <= 3", true)]
    [InlineData("4 > 3.5", true)]
    [InlineData("3 >= 4", false)]
    [InlineData("'a' < 'b'", false)]
    [InlineData("2 lt 3 and 3 gt 2", true)]
    [InlineData("1 eq 1 && 1 ne 2", true)]
    [InlineData("1 le 1 || false", true)]
    [InlineData("2 ge 3 or false", false)]
    [InlineData("!true", false)]
    [InlineData("not false and true", true)]
    [InlineData("true && $missing", false)]
    [InlineData("false || !$missing", true)]
    [InlineData("[1, 2] == [1, 2]", true)]
    [InlineData("{'a': 1} == {'a': 1}", true)]
    public void Comparison_Expression_GivesBoolean(string expression, bool expected) =>
        Assert.Equal(expected ? "yes" : "no", Render($"#if({expression})yes#{{else}}no#end"));

    [Fact]
    public void Logical_ShortCircuits() =>
        Assert.Equal("ok", Render("#if(false && $s.substring(99))bad#{else}ok#end", ("s", "x")));
}
