using System.Text;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Tests.Templates;

/// <summary>A scope of plain variables, for engine tests.</summary>
internal sealed class DictionaryScope(Dictionary<string, TemplateValue>? variables = null) : ITemplateScope
{
    public Dictionary<string, TemplateValue> Variables { get; } = variables ?? [];

    public int Lookups { get; private set; }

    public RenderBudget Budget { get; init; } = RenderBudget.Default();

    public bool TryGetRoot(string name, out TemplateValue value)
    {
        Lookups++;
        return Variables.TryGetValue(name, out value);
    }
}

internal static class TemplateTestSupport
{
    public static VelocityTemplate Compile(string text, NullReferenceRendering nulls = NullReferenceRendering.SourceText)
    {
        var result = VelocityTemplate.Parse(text, nulls);
        Assert.True(result.Success, result.Errors.Count > 0 ? result.Errors[0].ToString() : "no template");
        return result.Template!;
    }

    public static string Render(string text, ITemplateScope? scope = null)
    {
        var sb = new StringBuilder();
        var result = Compile(text).Render(scope ?? new DictionaryScope(), sb);
        Assert.True(result.Success, result.Error);
        return sb.ToString();
    }

    public static string Render(string text, params (string Name, object? Value)[] variables)
    {
        var scope = new DictionaryScope();
        foreach (var (name, value) in variables)
        {
            scope.Variables[name] = TemplateData.Value(value);
        }
        return Render(text, scope);
    }

    public static RenderResult RenderResult(string text, out string output, ITemplateScope? scope = null)
    {
        var sb = new StringBuilder();
        var result = Compile(text).Render(scope ?? new DictionaryScope(), sb);
        output = sb.ToString();
        return result;
    }

    public static TemplateError ParseError(string text)
    {
        var result = VelocityTemplate.Parse(text);
        Assert.False(result.Success);
        return Assert.Single(result.Errors);
    }

    public static string RenderApi(string text, string body, Dictionary<string, string>? path = null,
        Dictionary<string, string>? query = null, Dictionary<string, string>? headers = null,
        TemplateMap? context = null, TemplateMap? stageVariables = null)
    {
        var scope = new ApiGatewayScope(new InputVariable(body, path, query, headers), context, stageVariables);
        return Render(text, scope);
    }
}
