using System.Globalization;
using System.Text;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;
using static Tollgate.Gateway.Tests.Templates.TemplateTestSupport;

namespace Tollgate.Gateway.Tests.Templates;

/// <summary>The memory budget of one render: what is charged, when it refuses, and what a render really allocates.</summary>
public sealed class RenderBudgetTests
{
    private const string Small = """{"a":"xyz","n":[1,2]}""";

    [Fact]
    public void Charge_UpToLimit_Counts()
    {
        var budget = new RenderBudget(100);
        budget.Charge(60);
        budget.ChargeText(20);

        Assert.Equal(100, budget.Used);
    }

    [Fact]
    public void Charge_PastLimit_ThrowsRuntimeError()
    {
        var budget = new RenderBudget(100);
        budget.Charge(100);

        var e = Assert.Throws<TemplateRuntimeException>(() => budget.Charge(1));
        Assert.Contains("more than 100 bytes of memory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputJson_ChargesIndexTextAndOutput()
    {
        // 9 tokens ({, "a", "xyz", "n", [, 1, 2, ], }) of 12 bytes; the result and the output are 21 characters each.
        var (result, output, budget) = RenderWith("$input.json('$')", Small, RenderBudget.DefaultLimit);

        Assert.True(result.Success, result.Error);
        Assert.Equal(Small, output);
        Assert.Equal((9 * 12) + (2 * 21 * 2), budget.Used);
    }

    [Fact]
    public void InputJson_BudgetOneByteShort_Refused()
    {
        var (result, _, _) = RenderWith("$input.json('$')", Small, (9 * 12) + (2 * 21 * 2) - 1);

        Assert.False(result.Success);
        Assert.Contains("bytes of memory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InputJson_DeepScanOverBudget_RefusedBeforeTheTextIsMade()
    {
        var body = Items(2000);
        var budget = (body.Length * 12L) + 100_000;

        var (result, output, used) = RenderWith("$input.json('$..*')", body, budget);

        Assert.False(result.Success);
        Assert.Contains("bytes of memory", result.Error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.True(used.Used <= budget + JsonPathMatchesEntryBytes + (2L * body.Length * 4), $"{used.Used}");
    }

    [Fact]
    public void InputPath_OneFieldOfLargeBody_ChargesTheIndexAndWhatIsRead()
    {
        var body = Items(5000);
        var index = Tollgate.Gateway.Templates.ApiGateway.JsonValues.IndexSize(Encoding.UTF8.GetBytes(body));

        var (result, output, budget) = RenderWith("$input.path('$').items[4999].name", body, RenderBudget.DefaultLimit);

        Assert.True(result.Success, result.Error);
        Assert.Equal("item 4999", output);
        // The root level (1 entry), the items level (5000 references) and one item (3 entries).
        Assert.InRange(budget.Used, index, index + (5010 * RenderBudget.NodeBytes) + 1000);
    }

    [Fact]
    public void Output_LoopPastBudget_Refused()
    {
        var scope = new DictionaryScope { Budget = new RenderBudget(10_000) };

        var result = RenderResult("#foreach($i in [1..1000])0123456789#end", out _, scope);

        Assert.False(result.Success);
        Assert.Contains("more than 10000 bytes of memory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InterpolatedStrings_Charged()
    {
        var scope = new DictionaryScope { Budget = new RenderBudget(1_000_000) };

        var result = RenderResult("#foreach($i in [1..1000])#set($s = \"$i and some text to make it longer\")#end", out _, scope);

        Assert.True(result.Success, result.Error);
        Assert.InRange(scope.Budget.Used, 1000 * 2 * 32, 1000 * 2 * 40);
    }

    [Theory]
    [InlineData("""{"a":{"b":[1,2.5,-0.0,1e7,1.5e-4,"x\"y\u00e9\n",null,true,{"c":[]}]},"d":"plain","e":12345678901234}""")]
    [InlineData("""[{"k":"v"},[1,[2,[3]]],"s",0.001,9.999999e6]""")]
    public void UnreadJsonValue_RendersAsTheSameValueRead(string json)
    {
        var root = Parse(json);
        var direct = ValueFormatter.Format(TemplateJson.ToTemplateValue(root, RenderBudget.Default()));
        var read = TemplateJson.ToTemplateValue(root, RenderBudget.Default());
        ReadAll(read);

        Assert.Equal(ValueFormatter.Format(read), direct);
    }

    [Fact]
    public void InputJson_LargeBody_AllocatesASmallMultipleOfIt()
    {
        var body = Encoding.UTF8.GetBytes(Items(20_000));
        var template = Compile("$input.json('$')", NullReferenceRendering.Empty);
        RenderToUtf8(template, body); // warm up: code paths and the pool

        var before = GC.GetAllocatedBytesForCurrentThread();
        var output = RenderToUtf8(template, body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(body, output);
        // The parser's index (rented in doubling steps: about three times the body), the result
        // text and the output (UTF-16, twice each), the UTF-8 payload: about 9 times the body,
        // 20 times before the render had a budget. A pooled array another test gave back only lowers it.
        Assert.True(allocated < 12L * body.Length, $"{allocated} bytes for a body of {body.Length}");
    }

    private const int JsonPathMatchesEntryBytes = Tollgate.Gateway.Templates.JsonPath.JsonPathMatches.EntryBytes;

    private static byte[] RenderToUtf8(VelocityTemplate template, byte[] body)
    {
        using var input = new InputVariable(body, RenderBudget.Default());
        var output = new StringBuilder();
        var result = template.Render(new ApiGatewayScope(input), output);
        Assert.True(result.Success, result.Error);
        return MappingTemplates.ToUtf8(output);
    }

    private static (RenderResult Result, string Output, RenderBudget Budget) RenderWith(string text, string body, long limit)
    {
        var budget = new RenderBudget(limit);
        using var input = new InputVariable(Encoding.UTF8.GetBytes(body), budget);
        var output = new StringBuilder();
        var result = Compile(text, NullReferenceRendering.Empty).Render(new ApiGatewayScope(input), output);
        return (result, output.ToString(), budget);
    }

    private static string Items(int count)
    {
        var sb = new StringBuilder("{\"items\":[");
        for (var i = 0; i < count; i++)
        {
            sb.Append(i > 0 ? "," : "").Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"name\":\"item {i}\",\"dim\":{{\"w\":{i % 7},\"h\":[1,2]}}}}");
        }
        return sb.Append("]}").ToString();
    }

    private static System.Text.Json.JsonElement Parse(string json)
    {
        Assert.True(Tollgate.Gateway.Templates.ApiGateway.JsonValues.TryParse(json, out var root));
        return root;
    }

    private static void ReadAll(TemplateValue value)
    {
        if (value.Kind == TemplateValueKind.Map)
        {
            foreach (var (_, item) in value.AsMap.Items)
            {
                ReadAll(item);
            }
        }
        else if (value.Kind == TemplateValueKind.List)
        {
            foreach (var item in value.AsList.Items)
            {
                ReadAll(item);
            }
        }
    }
}
