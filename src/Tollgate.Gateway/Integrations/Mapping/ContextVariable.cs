using System.Text;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// <c>$context</c> of a mapping template, read from the <see cref="RequestContext"/> only when a
/// template asks: <c>$context.requestId</c>, <c>$context.identity.sourceIp</c>,
/// <c>$context.authorizer.claims.sub</c>, ... The writable <c>requestOverride</c> and
/// <c>responseOverride</c> maps belong to the scope that renders.
/// </summary>
internal sealed class ContextVariable(RequestContext context, MappingScope scope) : ITemplateObject
{
    private TemplateValue? _authorizer;

    public bool TryGetProperty(string name, out TemplateValue value)
    {
        switch (name)
        {
            case "requestOverride":
                value = TemplateValue.From(scope.RequestOverride);
                return true;
            case "responseOverride":
                value = TemplateValue.From(scope.ResponseOverride);
                return true;
            case "authorizer":
                value = _authorizer ??= context.Authorizer is { } values ? TemplateData.Value(values.ToEventObject(payloadV2: false)) : TemplateValue.From(new TemplateMap());
                return true;
            case "identity" or "error" or "integration":
                value = TemplateValue.From(new Prefixed(context, name + "."));
                return true;
        }
        if (context.TryGetVariable(name, out var text))
        {
            value = TemplateValue.From(text);
            return true;
        }
        value = TemplateValue.Null;
        return false;
    }

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result) =>
        InvokeGet(this, name, args, out result);

    public void WriteTo(StringBuilder output) => output.Append("$context");

    /// <summary><c>$context.get('name')</c> and <c>$context.identity.get('name')</c>: the only method these objects have.</summary>
    private static bool InvokeGet(ITemplateObject target, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        if (name == "get" && args.Length == 1 && !args[0].IsNull)
        {
            target.TryGetProperty(args[0].ToString(), out result);
            return true;
        }
        result = TemplateValue.Null;
        return false;
    }

    /// <summary>A group of variables such as <c>identity.*</c>, looked up by their full name.</summary>
    private sealed class Prefixed(RequestContext context, string prefix) : ITemplateObject
    {
        public bool TryGetProperty(string name, out TemplateValue value)
        {
            if (context.TryGetVariable(prefix + name, out var text))
            {
                value = TemplateValue.From(text);
                return true;
            }
            value = TemplateValue.Null;
            return false;
        }

        public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result) =>
            InvokeGet(this, name, args, out result);

        public void WriteTo(StringBuilder output) => output.Append("$context.").Append(prefix.AsSpan(0, prefix.Length - 1));
    }
}
