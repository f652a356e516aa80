using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;
using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class ApiGatewayVariableTests
{
    private const string Pets = """{"pets":[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99}],"name":"shop","open":true,"n":null}""";

    [Theory]
    [InlineData("$input.json('$.name')", "\"shop\"")]
    [InlineData("$input.json('$.pets[0]')", "{\"id\":1,\"type\":\"dog\",\"price\":249.99}")]
    [InlineData("$input.json('$.pets[*].id')", "[1,2]")]
    [InlineData("$input.json('$.missing')", "null")]
    [InlineData("$input.json('$.open')", "true")]
    [InlineData("$input.json('$')", Pets)]
    public void InputJson_Path_GivesJsonText(string template, string expected) =>
        Assert.Equal(expected, RenderApi(template, Pets));

    [Theory]
    [InlineData("$input.path('$.name')", "shop")]
    [InlineData("$input.path('$.pets').size()", "2")]
    [InlineData("$input.path('$.pets')[1].type", "cat")]
    [InlineData("$input.path('$.pets[0].price')", "249.99")]
    [InlineData("$input.path('$.pets[0].id')", "1")]
    [InlineData("$input.path('$.pets[0]')", "{id=1, type=dog, price=249.99}")]
    [InlineData("$input.path('$.pets')", "[{\"id\":1,\"type\":\"dog\",\"price\":249.99},{\"id\":2,\"type\":\"cat\",\"price\":124.99}]")]
    [InlineData("$input.path('$')", "{pets=[{\"id\":1,\"type\":\"dog\",\"price\":249.99},{\"id\":2,\"type\":\"cat\",\"price\":124.99}], name=shop, open=true, n=null}")]
    [InlineData("$input.path('$.pets[*].type')", "[\"dog\",\"cat\"]")]
    [InlineData("$input.path('$.missing')", "$input.path('$.missing')")]
    [InlineData("$!input.path('$.missing')", "")]
    [InlineData("#foreach($p in $input.path('$.pets'))$p.type#if($foreach.hasNext),#end#end", "dog,cat")]
    [InlineData("#if($input.path('$.open'))open#end", "open")]
    public void InputPath_Path_GivesTemplateObject(string template, string expected) =>
        Assert.Equal(expected, RenderApi(template, Pets));

    [Theory]
    [InlineData("$input.path('$.a')", "x\uFFFDy")]
    [InlineData("$input.json('$.a')", "\"x\uFFFDy\"")]
    [InlineData("$input.json('$')", "{\"a\":\"x\uFFFDy\",\"x\uFFFDy\":1}")]
    [InlineData("$input.path('$')", "{a=x\uFFFDy, x\uFFFDy=1}")]
    public void InputOfInvalidUtf8_ReadsReplacementCharacter(string template, string expected)
    {
        // {"a":"x\xFFy","x\xFFy":1}: the invalid byte reads as U+FFFD, in a value and in a name, as in the body's text.
        byte[] body = [.. "{\"a\":\"x"u8, 0xFF, .. "y\",\"x"u8, 0xFF, .. "y\":1}"u8];
        using var input = new InputVariable(body, RenderBudget.Default());

        Assert.Equal(expected, Render(template, new ApiGatewayScope(input)));
    }

    [Fact]
    public void InputBody_IsRawText() =>
        Assert.Equal("{ \"a\" : 1 }", RenderApi("$input.body", "{ \"a\" : 1 }"));

    [Fact]
    public void InputBody_Empty_IsEmptyObject() =>
        Assert.Equal("{}", RenderApi("$input.body", ""));

    [Fact]
    public void InputPath_FormBody_IsRawString() =>
        Assert.Equal("a=1|b=2", RenderApi("#foreach($kv in $input.path('$').split('&'))$kv#if($foreach.hasNext)|#end#end", "a=1&b=2"));

    [Fact]
    public void InputPath_EmptyBody_IsNull() =>
        Assert.Equal("[]", RenderApi("[$!input.path('$')]", ""));

    [Fact]
    public void InputPath_InvalidJsonPath_IsRenderError()
    {
        var scope = new ApiGatewayScope(new InputVariable("{}"));
        var result = RenderResult("$input.path('$[')", out _, scope);
        Assert.False(result.Success);
        Assert.StartsWith("Invalid JSONPath", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InputParams_SearchesPathThenQueryThenHeader()
    {
        var path = new Dictionary<string, string> { ["id"] = "from-path" };
        var query = new Dictionary<string, string> { ["id"] = "from-query", ["q"] = "x" };
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["q"] = "from-header", ["X-Trace"] = "t1" };
        Assert.Equal("from-path|x|t1|t1|[]", RenderApi("$input.params('id')|$input.params('q')|$input.params('x-trace')|$input.params().header.get('X-Trace')|[$input.params('none')]", "", path, query, headers));
    }

    [Fact]
    public void InputParams_All_IsMapOfThreeMaps() =>
        Assert.Equal("path,querystring,header|{a=1}|{}", RenderApi(
            "#set($all = $input.params())#foreach($k in $all.keySet())$k#if($foreach.hasNext),#end#end|$all.path|$all.header", "",
            path: new() { ["a"] = "1" }));

    [Theory]
    [InlineData("$util.escapeJavaScript($s)", "He didn\\'t say \\\"hi\\\"\\n\\\\ \\/ caf\\u00E9")]
    [InlineData("$util.urlEncode($s)", "He+didn%27t+say+%22hi%22%0A%5C+%2F+caf%C3%A9")]
    [InlineData("$util.urlDecode('a+b%20c%C3%A9%2B')", "a b cé+")]
    [InlineData("$util.base64Encode('hello é')", "aGVsbG8gw6k=")]
    [InlineData("$util.base64Decode('aGVsbG8gw6k=')", "hello é")]
    [InlineData("$util.parseJson('{\"a\":{\"b\":[1,2]}}').a.b[1]", "2")]
    [InlineData("$util.parseJson('[1,2,3]').size()", "3")]
    [InlineData("$util.parseJson('\"s\"')", "s")]
    [InlineData("$util.escapeJavaScript($missing)", "$util.escapeJavaScript($missing)")]
    [InlineData("$util.urlEncode('A-Za-z0-9.-*_~')", "A-Za-z0-9.-*_%7E")]
    public void Util_Function_MatchesJava(string template, string expected) =>
        Assert.Equal(expected, Render(template.Replace("($s)", "($stageVariables.s)", StringComparison.Ordinal), new ApiGatewayScope(
            new InputVariable(""), stageVariables: TemplateMap.FromStrings(new Dictionary<string, string> { ["s"] = "He didn't say \"hi\"\n\\ / café" }))));

    [Theory]
    [InlineData("$util.parseJson('{bad')")]
    [InlineData("$util.base64Decode('***')")]
    [InlineData("$util.urlDecode('%G1')")]
    public void Util_InvalidInput_IsRenderError(string template)
    {
        var result = RenderResult(template, out _, new ApiGatewayScope(new InputVariable("")));
        Assert.False(result.Success);
    }

    [Fact]
    public void Context_NestedValues_Render()
    {
        var context = TemplateData.Map(new Dictionary<string, object?>
        {
            ["identity"] = new Dictionary<string, object?> { ["sourceIp"] = "192.0.2.1" },
            ["authorizer"] = new Dictionary<string, object?> { ["claims"] = new Dictionary<string, object?> { ["sub"] = "user-1", ["cognito:username"] = "ann" } },
        });
        Assert.Equal("192.0.2.1 user-1 ann", RenderApi("$context.identity.sourceIp $context.authorizer.claims.sub $context.authorizer.claims['cognito:username']", "", context: context));
    }

    [Fact]
    public void StageVariables_AllSyntaxes_Render()
    {
        var stage = TemplateMap.FromStrings(new Dictionary<string, string> { ["url"] = "example.com" });
        Assert.Equal("example.com example.com example.com", RenderApi("$stageVariables.url $stageVariables['url'] ${stageVariables['url']}", "", stageVariables: stage));
    }

    [Fact]
    public void Overrides_SetInTemplate_AreReadBack()
    {
        var scope = new ApiGatewayScope(new InputVariable("{}"));
        Render("""
            #set($context.requestOverride.header.X-Unused = "ignored")
            #set($context.requestOverride.header.Version = "v2")
            #set($context.requestOverride.header['X-Multi'] = ["1", "2"])
            #set($context.requestOverride.querystring.page = 3)
            #set($context.requestOverride.path.id = "abc")
            #set($context.responseOverride.status = 418)
            #set($context.responseOverride.header.Location = "/x")
            $context.requestOverride.header.Version
            """, scope);
        var overrides = scope.ReadOverrides();
        Assert.Equal("v2", overrides.RequestHeaders["Version"]);
        Assert.Equal("ignored", overrides.RequestHeaders["X-Unused"]);
        Assert.Equal("1,2", overrides.RequestHeaders["X-Multi"]);
        Assert.Equal("3", overrides.RequestQueryString["page"]);
        Assert.Equal("abc", overrides.RequestPath["id"]);
        Assert.Equal(418, overrides.ResponseStatus);
        Assert.Equal("/x", overrides.ResponseHeaders["Location"]);
    }

    [Fact]
    public void Overrides_StatusAsString_IsParsed()
    {
        var scope = new ApiGatewayScope(new InputVariable("{}"));
        Render("#set($context.responseOverride.status = '404')", scope);
        Assert.Equal(404, scope.ReadOverrides().ResponseStatus);
    }

    [Fact]
    public void Input_BodyParsedOnce_ForManyPathCalls()
    {
        var input = new InputVariable("""{"a":1}""");
        var scope = new ApiGatewayScope(input);
        Assert.Equal("1 1 {\"a\":1}", Render("$input.path('$.a') $input.path('$.a') $input.json('$')", scope));
    }
}
