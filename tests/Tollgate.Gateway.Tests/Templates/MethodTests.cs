using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class MethodTests
{
    [Theory]
    [InlineData("$s.length()", "11")]
    [InlineData("$s.substring(6)", "World")]
    [InlineData("$s.substring(0, 5)", "Hello")]
    [InlineData("$s.replace('l', 'L')", "HeLLo WorLd")]
    [InlineData("$s.replace('.', '!')", "Hello World")]
    [InlineData("$s.replaceAll('[aeiou]', '*')", "H*ll* W*rld")]
    [InlineData("$s.replaceAll('(\\w+) (\\w+)', '$2 $1')", "World Hello")]
    [InlineData("$s.replaceFirst('l', '_')", "He_lo World")]
    [InlineData("$s.toLowerCase()", "hello world")]
    [InlineData("$s.toUpperCase()", "HELLO WORLD")]
    [InlineData("$p.trim()", "x y")]
    [InlineData("$s.contains('lo W')", "true")]
    [InlineData("$s.startsWith('Hell')", "true")]
    [InlineData("$s.endsWith('x')", "false")]
    [InlineData("$s.indexOf('o')", "4")]
    [InlineData("$s.indexOf('o', 5)", "7")]
    [InlineData("$s.lastIndexOf('o')", "7")]
    [InlineData("$s.indexOf('z')", "-1")]
    [InlineData("$s.equals('Hello World')", "true")]
    [InlineData("$s.equalsIgnoreCase('hello world')", "true")]
    [InlineData("$s.isEmpty()", "false")]
    [InlineData("$s.charAt(4)", "o")]
    [InlineData("$s.matches('H.*d')", "true")]
    [InlineData("$s.matches('ello')", "false")]
    [InlineData("$s.concat('!')", "Hello World!")]
    [InlineData("$s.split(' ')", "[Hello, World]")]
    [InlineData("$s.split('o').size()", "3")]
    [InlineData("$c.split(',')", "[a, , b]")]
    [InlineData("$c2.split(',')", "[a, b]")]
    [InlineData("$s.split('')", "[H, e, l, l, o,  , W, o, r, l, d]")]
    [InlineData("$s.split('x')", "[Hello World]")]
    [InlineData("$s.replace('', '-').length()", "23")]
    [InlineData("$s.toString()", "Hello World")]
    public void String_Method_FollowsJava(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("s", "Hello World"), ("p", "\t x y \n"), ("c", "a,,b"), ("c2", "a,b,,")));

    [Theory]
    [InlineData("$s.substring(5, 2)")]
    [InlineData("$s.charAt(99)")]
    [InlineData("$s.replaceAll('(', 'x')")]
    [InlineData("$s.replaceAll('a', '$')")]
    [InlineData("$s.contains($missing)")]
    [InlineData("$l.get(3)")]
    public void Method_JavaException_IsRenderError(string template)
    {
        var result = RenderResult(template, out _, new DictionaryScope(new()
        {
            ["s"] = Tollgate.Gateway.Templates.ApiGateway.TemplateData.Value("abc"),
            ["l"] = Tollgate.Gateway.Templates.ApiGateway.TemplateData.Value(new[] { 1 }),
        }));
        Assert.False(result.Success);
    }

    [Fact]
    public void Method_Unknown_RendersSourceText() =>
        Assert.Equal("$s.frobnicate()", Render("$s.frobnicate()", ("s", "x")));

    [Theory]
    [InlineData("$l.size()", "3")]
    [InlineData("$l.get(1)", "b")]
    [InlineData("$l.isEmpty()", "false")]
    [InlineData("$l.contains('c')", "true")]
    [InlineData("$l.indexOf('c')", "2")]
    [InlineData("$l.add('d') $l", "true [a, b, c, d]")]
    [InlineData("#set($ignored = $l.add('d'))$l.size()", "4")]
    [InlineData("$l[0]$l[-1]", "ac")]
    public void List_Method_FollowsJava(string template, string expected) =>
        Assert.Equal(expected, Render($"#set($l = ['a', 'b', 'c']){template}"));

    [Theory]
    [InlineData("$m.get('a')", "1")]
    [InlineData("$m.containsKey('b')", "true")]
    [InlineData("$m.containsKey('z')", "false")]
    [InlineData("$m.keySet()", "[a, b]")]
    [InlineData("$m.values()", "[1, x]")]
    [InlineData("$m.size()", "2")]
    [InlineData("$m.isEmpty()", "false")]
    [InlineData("$m.put('c', 3)$m", "$m.put('c', 3){a=1, b=x, c=3}")]
    [InlineData("$m.put('a', 9) $m", "1 {a=9, b=x}")]
    [InlineData("$m.entrySet()", "[a=1, b=x]")]
    [InlineData("$m.remove('a') $m", "1 {b=x}")]
    public void Map_Method_FollowsJava(string template, string expected) =>
        Assert.Equal(expected, Render($"#set($m = {{'a': 1, 'b': 'x'}}){template}"));

    [Fact]
    public void Number_Methods_Work() =>
        Assert.Equal("3 2.0 true", Render("$d.intValue() $i.doubleValue() $i.equals(2)", ("d", 3.7), ("i", 2)));
}
