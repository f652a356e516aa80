using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class WhitespaceTests
{
    [Fact]
    public void DirectiveOnlyLine_EmitsNoNewlineOrIndent() =>
        Assert.Equal("a\nb\n", Render("a\n  #set($x = 1)\nb\n"));

    [Fact]
    public void Foreach_IndentedDirectiveLines_LeaveOnlyBody() =>
        Assert.Equal("[\n  1\n  2\n]", Render("[\n  #foreach($i in [1, 2])\n  $i\n  #end\n]"));

    [Fact]
    public void DirectiveWithTextOnLine_KeepsLine() =>
        Assert.Equal("  x,\n\n  y\n\n", Render("#foreach($i in ['x', 'y'])\n  $i#if($foreach.hasNext),#end\n\n#end"));

    [Fact]
    public void SeveralDirectivesOnOneLine_LineRemoved() =>
        Assert.Equal("a\nb", Render("a\n #if(true) #set($x = 1) #end \nb"));

    [Fact]
    public void CommentOnlyLine_Removed() =>
        Assert.Equal("a\nb\n", Render("a\n   ## note\nb\n  #* block *#\n"));

    [Fact]
    public void LineComment_AfterText_TakesNewline() =>
        Assert.Equal("a b", Render("a ## note\nb"));

    [Fact]
    public void LastLineWithoutNewline_DirectiveOnly_StripsIndent() =>
        Assert.Equal("x\n", Render("x\n  #set($a = 1)"));

    [Fact]
    public void BlankLine_WithoutDirective_IsKept() =>
        Assert.Equal("a\n\n  \nb", Render("a\n\n  \nb"));

    [Fact]
    public void ReferenceOnLine_IsNotDirectiveOnly() =>
        Assert.Equal("  v\n", Render("  #set($a = 'v')$a\n"));

    [Fact]
    public void CrLfLines_DirectiveOnlyRemoved() =>
        Assert.Equal("a\r\nb", Render("a\r\n  #set($x = 1)\r\nb"));
}
