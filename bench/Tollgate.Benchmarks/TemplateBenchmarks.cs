using System.Text;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Benchmarks;

/// <summary>Rendering mapping templates that are parsed once, as the config compiler does.</summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private const string Body = """{"orderId":"o-123","customer":{"id":"c-9","name":"Alice"},"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},{"sku":"c","qty":3}]}""";

    // A typical request template: fields picked with JSONPath, a loop, context and stage variables.
    private const string Mapping = """
        #set($inputRoot = $input.path('$'))
        {
          "order": "$inputRoot.orderId",
          "customer": "$util.escapeJavaScript($inputRoot.customer.name)",
          "items": [
        #foreach($item in $inputRoot.items)
            { "sku": "$item.sku", "quantity": $item.qty }#if($foreach.hasNext),#end
        #end
          ],
          "requestId": "$context.requestId",
          "table": "$stageVariables.table",
          "auth": "$input.params('Authorization')"
        }
        """;

    private VelocityTemplate _passthrough = null!;
    private VelocityTemplate _mapping = null!;
    private InputVariable _input = null!;
    private TemplateMap _context = null!;
    private TemplateMap _stageVariables = null!;
    private readonly StringBuilder _output = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _passthrough = VelocityTemplate.Parse("$input.json('$')").Template!;
        _mapping = VelocityTemplate.Parse(Mapping).Template ?? throw new InvalidOperationException("template does not parse");
        // One input serves every iteration (parsed once), so its budget is unbounded.
        _input = new InputVariable(Encoding.UTF8.GetBytes(Body), new RenderBudget(long.MaxValue), headers: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer abc" });
        _context = TemplateMap.FromStrings([new("requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")]);
        _stageVariables = TemplateMap.FromStrings([new("table", "orders")]);
        if (!Render(_mapping))
        {
            throw new InvalidOperationException("template does not render");
        }
    }

    [Benchmark(Description = "$input.json('$') passthrough")]
    public bool Passthrough() => Render(_passthrough);

    [Benchmark(Description = "mapping template: JSONPath, #foreach, $util, $context")]
    public bool MappingTemplate() => Render(_mapping);

    private bool Render(VelocityTemplate template)
    {
        _output.Clear();
        var scope = new ApiGatewayScope(_input, _context, _stageVariables);
        return template.Render(scope, _output).Success;
    }
}
