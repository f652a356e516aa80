using System.Text;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Tests.Templates;

/// <summary>
/// Random and truncated templates (fixed seeds, so every run is the same) must give a clean
/// syntax error or a render result: never an exception, never an engine defect, never a hang.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Pieces =
    [
        "$", "$!", "${", "}", "#", "##", "#*", "*#", "#[[", "]]#", "#if(", "#elseif(", "#else", "#end", "#{end}",
        "#set(", "#foreach(", " in ", "#break", "#stop", "#define(", "(", ")", "[", "]", "{", "}", "..", ".", ",",
        ":", "=", "==", "!=", "<", ">=", "&&", "||", "!", " and ", " not ", "+", "-", "*", "/", "%", "\"", "'",
        "a", "x", "input", "util", "context", "foreach", "velocityCount", "0", "1", "-1", "2.5", "1000",
        "true", "false", "null", " ", "\n", "  ", "\t", "\r\n", "$input.path('$.items')", "$input.json('$')",
        "$input.params()", "$util.escapeJavaScript(", "$util.parseJson(", "$util.urlDecode(", "$util.base64Decode(",
        ".size()", ".get(0)", ".substring(1)", ".split(',')", ".replaceAll('a', '$1')", ".keySet()", ".put('k', ",
        "[1..5]", "{'k': [1, 2]}", "$foreach.hasNext", "$context.requestOverride.header.X-A", "$stageVariables['s']",
        "[?(@.a > 1)]", "$..", "'$.items[*]'", "\"$a\"",
    ];

    private static readonly string[] Seeds =
    [
        "#set($inputRoot = $input.path('$'))\n[\n#foreach($elem in $inputRoot.items)\n  {\"id\": \"$elem.id\", \"n\": $elem.n}#if($foreach.hasNext),#end\n#end\n]",
        "#set($all = $input.params())\n{#foreach($t in $all.keySet())\"$t\": {#foreach($k in $all.get($t).keySet())\"$k\": \"$util.escapeJavaScript($all.get($t).get($k))\"#if($foreach.hasNext),#end#end}#if($foreach.hasNext),#end#end}",
        "#if($input.params('q') == 'x' && !($context.stage eq 'prod'))#set($context.responseOverride.status = 400)#elseif($input.path('$.n') > 2)big#{else}${input.body.length()}#end",
        "#define($loop){#foreach($e in $map.entrySet())\"$e.key\":\"$e.value\"#end}#end#set($map = {'a': [1..3], \"b\": \"s$x\"})$loop ## tail\n#* block *#$!missing",
        "#foreach($i in [1..3])#foreach($j in [$i..1])#if($j % 2 == 0)#break#end$i$j#end#end#stop after",
    ];

    [Fact]
    public void ParseAndRender_RandomTemplates_NeverThrowOrHang() =>
        RunBounded(() =>
        {
            var random = new Random(20240611);
            for (var n = 0; n < 3000; n++)
            {
                var sb = new StringBuilder();
                var count = random.Next(1, 40);
                for (var i = 0; i < count; i++)
                {
                    sb.Append(Pieces[random.Next(Pieces.Length)]);
                }
                Check(sb.ToString());
            }
        });

    [Fact]
    public void ParseAndRender_RandomCharacters_NeverThrowOrHang() =>
        RunBounded(() =>
        {
            const string alphabet = "$#!{}()[]'\".,:=<>&|*+-/%@? \n\tabcxyz019";
            var random = new Random(7);
            for (var n = 0; n < 3000; n++)
            {
                var chars = new char[random.Next(1, 60)];
                for (var i = 0; i < chars.Length; i++)
                {
                    chars[i] = alphabet[random.Next(alphabet.Length)];
                }
                Check(new string(chars));
            }
        });

    [Fact]
    public void ParseAndRender_TruncatedAndMutatedTemplates_NeverThrowOrHang() =>
        RunBounded(() =>
        {
            var random = new Random(42);
            foreach (var seed in Seeds)
            {
                for (var length = 0; length <= seed.Length; length++)
                {
                    Check(seed[..length]);
                }
                for (var n = 0; n < 300; n++)
                {
                    var chars = seed.ToCharArray();
                    var edits = random.Next(1, 4);
                    for (var e = 0; e < edits; e++)
                    {
                        chars[random.Next(chars.Length)] = "$#(){}[]'\". "[random.Next(12)];
                    }
                    Check(new string(chars));
                }
            }
        });

    [Fact]
    public void Seeds_AreValidTemplates()
    {
        foreach (var seed in Seeds)
        {
            Assert.True(VelocityTemplate.Parse(seed).Success, seed);
        }
    }

    private static void Check(string text)
    {
        var parsed = VelocityTemplate.Parse(text);
        if (!parsed.Success)
        {
            var error = Assert.Single(parsed.Errors);
            Assert.InRange(error.Line, 1, text.Split('\n').Length);
            Assert.True(error.Column >= 1, text);
            return;
        }
        var input = new InputVariable("""{"items":[{"id":"a","n":1},{"id":"b","n":3}],"n":3}""",
            new Dictionary<string, string> { ["id"] = "7" },
            new Dictionary<string, string> { ["q"] = "x" },
            new Dictionary<string, string> { ["Accept"] = "*/*" });
        var context = TemplateData.Map(new Dictionary<string, object?> { ["stage"] = "dev" });
        var scope = new ApiGatewayScope(input, context, TemplateMap.FromStrings(new Dictionary<string, string> { ["s"] = "v" }));
        var result = parsed.Template!.Render(scope, new StringBuilder());
        Assert.False(result.Error?.StartsWith(VelocityTemplate.InternalErrorPrefix, StringComparison.Ordinal) == true,
            $"{result.Error}\nTemplate: {text}");
    }

    private static void RunBounded(Action action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromMinutes(2)), "fuzzing did not finish: a template hangs");
        task.GetAwaiter().GetResult();
    }
}
