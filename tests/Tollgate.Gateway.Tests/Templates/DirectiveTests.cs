using Tollgate.Gateway.Templates.Engine;
using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class DirectiveTests
{
    [Theory]
    [InlineData(1, "one")]
    [InlineData(2, "two")]
    [InlineData(3, "other")]
    public void If_ElseIfElse_PicksBranch(int n, string expected) =>
        Assert.Equal(expected, Render("#if($n == 1)one#elseif($n == 2)two#{else}other#end", ("n", n)));

    [Theory]
    [InlineData("#if($missing)y#else n#end", " n")]
    [InlineData("#if($f)y#else n#end", " n")]
    [InlineData("#if($empty)y#else n#end", "y")]
    [InlineData("#if($zero)y#else n#end", "y")]
    [InlineData("#if(!$missing)y#end", "y")]
    [InlineData("#if(not $f)y#end", "y")]
    public void If_Truthiness_FollowsVelocity(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("f", false), ("empty", ""), ("zero", 0)));

    [Fact]
    public void Set_ThenReference_RendersValue() =>
        Assert.Equal("hello", Render("#set($greeting = 'hello')$greeting"));

    [Fact]
    public void Set_NullValue_LeavesTargetUnchanged() =>
        Assert.Equal("1", Render("#set($a = 1)#set($a = $missing)$a"));

    [Fact]
    public void Set_MapProperty_PutsEntry() =>
        Assert.Equal("{a=1, b=2}", Render("#set($m = {'a': 1})#set($m.b = 2)$m"));

    [Fact]
    public void Set_IndexOnMapAndList_Updates() =>
        Assert.Equal("{k=v} [1, 9]", Render("#set($m = {})#set($m['k'] = 'v')#set($l = [1, 2])#set($l[1] = 9)$m $l"));

    [Fact]
    public void Set_ShadowsScopeVariable() =>
        Assert.Equal("mine", Render("#set($x = 'mine')$x", ("x", "scope")));

    [Fact]
    public void Foreach_List_RendersEachItem() =>
        Assert.Equal("a,b,c", Render("#foreach($i in $l)$i#if($foreach.hasNext),#end#end", ("l", new[] { "a", "b", "c" })));

    [Fact]
    public void Foreach_Metadata_IndexCountVelocityCountFirstLast() =>
        Assert.Equal("0/1/1/true/false 1/2/2/false/true ",
            Render("#foreach($i in [7, 8])$foreach.index/$foreach.count/$velocityCount/$foreach.first/$foreach.last #end"));

    [Fact]
    public void Foreach_Map_IteratesValues() =>
        Assert.Equal("12", Render("#foreach($v in {'a': 1, 'b': 2})$v#end"));

    [Fact]
    public void Foreach_RangeDescending_Counts() =>
        Assert.Equal("321", Render("#foreach($i in [3..1])$i#end"));

    [Fact]
    public void Foreach_NullOrScalar_RendersNothing() =>
        Assert.Equal("", Render("#foreach($i in $missing)x#end#foreach($i in 'abc')y#end"));

    [Fact]
    public void Foreach_Nested_KeepsOwnForeachState() =>
        Assert.Equal("a1a2|b1b2|", Render("#foreach($x in ['a','b'])#foreach($y in [1,2])$x$y#end#if($foreach.hasNext)|#end#end|"));

    [Fact]
    public void Foreach_AfterLoop_RestoresVariable() =>
        Assert.Equal("3 keep $foreach", Render("#set($i = 'keep')#foreach($i in [1,2,3])#set($last = $i)#end$last $i $foreach"));

    [Fact]
    public void Foreach_MoreThan1000Items_StopsAt1000WithoutError()
    {
        var result = RenderResult("#foreach($i in [1..1500])#set($n = $i)#end$n $velocityCount", out var output);
        Assert.True(result.Success);
        Assert.Equal("1000 $velocityCount", output);
    }

    [Fact]
    public void Foreach_HasNextAtCap_IsFalseOnIteration1000() =>
        Assert.Equal("false", Render("#foreach($i in [1..1500])#if($foreach.count == 1000)$foreach.hasNext#end#end"));

    [Fact]
    public void Break_EndsInnermostLoop() =>
        Assert.Equal("1x2x|", Render("#foreach($i in [1..5])#if($i == 3)#break#end${i}x#end|"));

    [Fact]
    public void Stop_EndsRenderingKeepingOutput()
    {
        var result = RenderResult("a#foreach($i in [1..3])$i#if($i == 2)#stop#end#end b", out var output);
        Assert.True(result.Success);
        Assert.Equal("a12", output);
    }

    [Fact]
    public void Define_RendersBlockWhenReferenced() =>
        Assert.Equal("[x][y]", Render("#define($wrap)[$v]#end#set($v = 'x')$wrap#set($v = 'y')$wrap"));

    [Fact]
    public void Define_SelfReference_GivesErrorNotHang()
    {
        var result = RenderResult("#define($d)$d#end$d", out _);
        Assert.False(result.Success);
    }

    [Fact]
    public void Render_NestedLoopsOverBudget_ReturnsError()
    {
        var result = RenderResult("#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..10])#end#end#end", out _);
        Assert.False(result.Success);
        Assert.Contains("loop iterations", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ScopeVariable_LookedUpOncePerRender()
    {
        var scope = new DictionaryScope(new() { ["a"] = TemplateValue.From("x") });
        Assert.Equal("xxx", Render("$a$a$a", scope));
        Assert.Equal(1, scope.Lookups);
    }
}
