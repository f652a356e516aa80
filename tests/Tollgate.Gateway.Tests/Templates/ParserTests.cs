using Tollgate.Gateway.Templates;
using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class ParserTests
{
    [Theory]
    [InlineData("$a", "1")]
    [InlineData("${a}", "1")]
    [InlineData("$!a", "1")]
    [InlineData("$!{a}", "1")]
    [InlineData("${a}b", "1b")]
    [InlineData("$a.", "1.")]
    [InlineData("x$a,y", "x1,y")]
    public void Parse_ReferenceForms_RenderValue(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("a", 1)));

    [Theory]
    [InlineData("$5")]
    [InlineData("$ ")]
    [InlineData("cost: $")]
    [InlineData("$!")]
    [InlineData("${")]
    [InlineData("$.a")]
    [InlineData("# not a directive")]
    [InlineData("#unknown(1)")]
    [InlineData("#endif")]
    [InlineData("a#b")]
    public void Parse_DollarOrHashNotStartingCode_IsLiteralText(string template) =>
        Assert.Equal(template, Render(template));

    [Fact]
    public void Parse_NestedMethodCalls_Evaluate() =>
        Assert.Equal("HELLO", Render("$s.substring($s.indexOf('h')).toUpperCase()", ("s", "xhello")));

    [Fact]
    public void Parse_BraceDirectives_Work() =>
        Assert.Equal("yes", Render("#{if}(true)yes#{else}no#{end}"));

    [Fact]
    public void Parse_DirectiveWithSpaceBeforeParenthesis_Works() =>
        Assert.Equal("2", Render("#set ($x = 2)$x"));

    [Fact]
    public void Parse_Comments_ProduceNothing() =>
        Assert.Equal("ab", Render("a## line comment\nb#* block\ncomment *#"));

    [Fact]
    public void Parse_UnparsedContent_IsLiteral() =>
        Assert.Equal("$a #if(", Render("#[[$a #if(]]#", ("a", 1)));

    [Fact]
    public void Parse_Literals_AllKinds() =>
        Assert.Equal("a|b|3|2.5|true|false|[1, 2]|[1, 2, 3]|{a=1, b=x}",
            Render("""#set($s1 = "a")$s1|#set($s2 = 'b')$s2|#set($i = 3)$i|#set($d = 2.5)$d|#set($t = true)$t|#set($f = false)$f|#set($l = [1, 2])$l|#set($r = [1..3])$r|#set($m = {"a": 1, 'b': "x"})$m"""));

    [Fact]
    public void Parse_DoubleQuotedString_Interpolates() =>
        Assert.Equal("Item 1 is a dog.", Render("#set($s = \"Item $e.id is a ${e.type}.\")$s", ("e", new Dictionary<string, object?> { ["id"] = 1, ["type"] = "dog" })));

    [Fact]
    public void Parse_SingleQuotedString_DoesNotInterpolate() =>
        Assert.Equal("$a", Render("#set($s = '$a')$s", ("a", 1)));

    [Fact]
    public void Parse_DoubledQuote_IsOneQuote() =>
        Assert.Equal("it's \"x\"", Render("#set($s = 'it''s')#set($t = \"\"\"x\"\"\")$s $t"));

    [Fact]
    public void Parse_BackslashInString_IsKept() =>
        Assert.Equal("it's", Render("#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")"));

    [Theory]
    [InlineData("#if($a)x", 1, 1, "#if is not closed with #end")]
    [InlineData("ab\n  #foreach($x in $l)", 2, 3, "#foreach is not closed with #end")]
    [InlineData("x\n#end", 2, 1, "#end without a matching #if, #foreach or #define")]
    [InlineData("#else", 1, 1, "#else without a matching #if")]
    [InlineData("#if(true)#else#elseif(true)#end", 1, 15, "#elseif after #else")]
    [InlineData("#set($a 1)", 1, 9, "Expected '=' in #set but found '1'")]
    [InlineData("#set(a = 1)", 1, 6, "Expected a variable in #set")]
    [InlineData("#if", 1, 4, "Expected '(' after #if")]
    [InlineData("#if($a == )", 1, 11, "Unexpected ')' in an expression")]
    [InlineData("#foreach($x on $l)#end", 1, 13, "Expected 'in' in #foreach")]
    [InlineData("#foreach($x.y in $l)#end", 1, 10, "#foreach needs a simple variable such as $item, not '$x.y'")]
    [InlineData("\n\n  $a.b(1,", 3, 10, "Expected an expression but the template ended")]
    [InlineData("$a.b(1 2)", 1, 8, "Expected ',' or ')' in the argument list but found '2'")]
    [InlineData("${a.b", 1, 6, "Expected '}' to close '${a'")]
    [InlineData("#set($x = \"abc)", 1, 11, "Unterminated string literal")]
    [InlineData("a #* no end", 1, 3, "Unterminated comment: '#*' has no closing '*#'")]
    [InlineData("#set($x = [1, 2)", 1, 16, "Expected ',' between list items but found ')'")]
    [InlineData("#set($x = {'a' 1})", 1, 16, "Expected ':' after a map key but found '1'")]
    [InlineData("#set($x = foo)", 1, 11, "Unexpected word 'foo' in an expression")]
    [InlineData("#set($a.b() = 1)", 1, 6, "Cannot assign to the method call '$a.b()'")]
    public void Parse_SyntaxError_ReportsLineColumnAndMessage(string template, int line, int column, string message)
    {
        var error = ParseError(template);
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void Parse_Error_FormatsWithPosition() =>
        Assert.Equal("line 1, column 1: #if is not closed with #end", ParseError("#if(true)").ToString());

    [Fact]
    public void Parse_DeeplyNestedParentheses_GivesError()
    {
        var template = "#set($x = " + new string('(', 500) + "1" + new string(')', 500) + ")";
        Assert.Contains("nested too deeply", ParseError(template).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedBlocks_GivesError()
    {
        var template = string.Concat(Enumerable.Repeat("#if(true)", 500)) + string.Concat(Enumerable.Repeat("#end", 500));
        Assert.Contains("nested more than", ParseError(template).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullText_Throws() =>
        Assert.Throws<ArgumentNullException>(() => VelocityTemplate.Parse(null!));
}
