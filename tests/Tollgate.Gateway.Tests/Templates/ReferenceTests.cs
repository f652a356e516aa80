using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.Engine;
using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class ReferenceTests
{
    [Theory]
    [InlineData("$foo", "$foo")]
    [InlineData("${foo}", "${foo}")]
    [InlineData("$foo.bar(1)", "$foo.bar(1)")]
    [InlineData("$m.missing", "$m.missing")]
    [InlineData("$m.a.nope()", "$m.a.nope()")]
    [InlineData("$l[5]", "$l[5]")]
    public void Reference_Undefined_RendersSourceText(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("m", new Dictionary<string, object?> { ["a"] = "x" }), ("l", new[] { 1 })));

    [Theory]
    [InlineData("$!foo")]
    [InlineData("$!{foo}")]
    [InlineData("$!m.missing")]
    public void Reference_QuietUndefined_RendersNothing(string template) =>
        Assert.Equal("", Render(template, ("m", new Dictionary<string, object?>())));

    [Fact]
    public void Reference_NullAsEmptyMode_RendersNothing()
    {
        var template = Compile("[$foo][$m.x]", NullReferenceRendering.Empty);
        var sb = new System.Text.StringBuilder();
        Assert.True(template.Render(new DictionaryScope(), sb).Success);
        Assert.Equal("[][]", sb.ToString());
    }

    [Fact]
    public void Reference_UndefinedInsideString_KeepsSourceText() =>
        Assert.Equal("a $nope b", Render("#set($s = \"a $nope b\")$s"));

    [Fact]
    public void Reference_PropertyOnMap_AndIndexForms() =>
        Assert.Equal("1 1 2 3 3", Render("$m.a $m['a'] $m.l[0] $m.l[-1] ${m.l[1]}",
            ("m", new Dictionary<string, object?> { ["a"] = 1, ["l"] = new[] { 2, 3 } })));

    [Fact]
    public void Reference_GetterConvention_CallsIsEmpty() =>
        Assert.Equal("true false", Render("$s.empty $l.empty", ("s", ""), ("l", new[] { 1 })));

    [Fact]
    public void Reference_MapRendersLikeJava() =>
        Assert.Equal("{a=1, b=[x, y], c={d=true}}", Render("#set($m = {'a': 1, 'b': ['x', 'y'], 'c': {'d': true}})$m"));

    [Fact]
    public void Reference_EntrySet_KeyAndValue() =>
        Assert.Equal("a=1;b=2;", Render("#foreach($e in $m.entrySet())$e.key=$e.getValue();#end", ("m", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 })));

    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(249.99, "249.99")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(1.5e-4, "1.5E-4")]
    [InlineData(-12345678.9, "-1.23456789E7")]
    [InlineData(0.0, "0.0")]
    public void Reference_Double_RendersLikeJava(double value, string expected) =>
        Assert.Equal(expected, Render("$d", ("d", value)));

    [Fact]
    public void Render_MethodThrowing_ReturnsErrorAndKeepsPartialOutput()
    {
        var result = RenderResult("before $s.substring(10) after", out var output, new DictionaryScope(new() { ["s"] = TemplateValue.From("abc") }));
        Assert.False(result.Success);
        Assert.Equal("before ", output);
        Assert.Contains("begin 10", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SameTemplateTwice_IsIndependent()
    {
        var template = Compile("#set($n = $n + 1)$n");
        for (var i = 0; i < 2; i++)
        {
            var sb = new System.Text.StringBuilder();
            template.Render(new DictionaryScope(new() { ["n"] = TemplateValue.From(1L) }), sb);
            Assert.Equal("2", sb.ToString());
        }
    }

    [Fact]
    public void Reference_HyphenInName_IsPartOfName() =>
        Assert.Equal("v $a-", Render("$m.X-Trace $a-", ("m", new Dictionary<string, object?> { ["X-Trace"] = "v" })));

    [Fact]
    public void Reference_SubtractionNeedsSpaces() =>
        Assert.Equal("4", Render("#set($r = $n - 1)$r", ("n", 5)));
}
