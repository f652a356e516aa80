using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>What a node tells its enclosing blocks after it has rendered.</summary>
internal enum RenderFlow : byte
{
    Normal,
    Break,
    Stop,
}

/// <summary>A statement of a parsed template.</summary>
internal abstract class TemplateNode
{
    public abstract RenderFlow Render(TemplateRenderer renderer);

    public static RenderFlow RenderBlock(TemplateNode[] block, TemplateRenderer renderer)
    {
        for (var i = 0; i < block.Length; i++)
        {
            var flow = block[i].Render(renderer);
            renderer.CheckOutput();
            if (flow != RenderFlow.Normal)
            {
                return flow;
            }
        }
        return RenderFlow.Normal;
    }
}

internal sealed class TextNode(string text) : TemplateNode
{
    public string Text { get; } = text;

    public override RenderFlow Render(TemplateRenderer renderer)
    {
        renderer.Output.Append(Text);
        return RenderFlow.Normal;
    }
}

/// <summary><c>$a.b</c> in text: renders the value, or the source text when null (empty when quiet).</summary>
internal sealed class ReferenceNode(ReferenceExpr reference) : TemplateNode
{
    public ReferenceExpr Reference { get; } = reference;

    public override RenderFlow Render(TemplateRenderer renderer)
    {
        renderer.WriteReference(Reference, renderer.Output);
        return RenderFlow.Normal;
    }
}

/// <summary><c>#set($target = value)</c>. A null value leaves the target unchanged (Velocity 1.7).</summary>
internal sealed class SetNode(ReferenceExpr target, TemplateExpr value) : TemplateNode
{
    public override RenderFlow Render(TemplateRenderer renderer)
    {
        var result = value.Evaluate(renderer);
        if (!result.IsNull)
        {
            renderer.Assign(target, result);
        }
        return RenderFlow.Normal;
    }
}

internal sealed class IfNode(TemplateExpr[] conditions, TemplateNode[][] branches, TemplateNode[]? elseBranch) : TemplateNode
{
    public override RenderFlow Render(TemplateRenderer renderer)
    {
        for (var i = 0; i < conditions.Length; i++)
        {
            if (conditions[i].Evaluate(renderer).IsTruthy)
            {
                return RenderBlock(branches[i], renderer);
            }
        }
        return elseBranch is null ? RenderFlow.Normal : RenderBlock(elseBranch, renderer);
    }
}

/// <summary>
/// <c>#foreach($item in source)</c>. Iterates lists, the values of maps and ranges; stops
/// silently after <see cref="TemplateRenderer.MaxForeachIterations"/> iterations, like Velocity's
/// <c>directive.foreach.maxloops</c> that API Gateway sets to 1,000.
/// </summary>
internal sealed class ForeachNode(int itemSlot, int foreachSlot, int countSlot, TemplateExpr source, TemplateNode[] body) : TemplateNode
{
    public override RenderFlow Render(TemplateRenderer renderer)
    {
        var collection = source.Evaluate(renderer);
        List<TemplateValue>? items = collection.Kind switch
        {
            TemplateValueKind.List => collection.AsList.Items,
            TemplateValueKind.Map => MapValues(collection.AsMap),
            _ => null,
        };
        if (items is null || items.Count == 0)
        {
            return RenderFlow.Normal;
        }
        var savedItem = renderer.SaveSlot(itemSlot);
        var savedForeach = renderer.SaveSlot(foreachSlot);
        var savedCount = renderer.SaveSlot(countSlot);
        var state = new ForeachState();
        renderer.SetSlot(foreachSlot, TemplateValue.From(state));
        var flow = RenderFlow.Normal;
        var limit = Math.Min(items.Count, TemplateRenderer.MaxForeachIterations);
        for (var i = 0; i < limit && i < items.Count; i++)
        {
            renderer.CountIteration();
            state.Index = i;
            state.HasNext = i + 1 < limit;
            renderer.SetSlot(itemSlot, items[i]);
            renderer.SetSlot(countSlot, TemplateValue.From(i + 1L));
            flow = RenderBlock(body, renderer);
            if (flow != RenderFlow.Normal)
            {
                break;
            }
        }
        renderer.RestoreSlot(itemSlot, savedItem);
        renderer.RestoreSlot(foreachSlot, savedForeach);
        renderer.RestoreSlot(countSlot, savedCount);
        return flow == RenderFlow.Stop ? RenderFlow.Stop : RenderFlow.Normal;
    }

    private static List<TemplateValue> MapValues(TemplateMap map)
    {
        var values = new List<TemplateValue>(map.Count);
        foreach (var (_, value) in map.Items)
        {
            values.Add(value);
        }
        return values;
    }
}

internal sealed class BreakNode : TemplateNode
{
    public static readonly BreakNode Instance = new();

    public override RenderFlow Render(TemplateRenderer renderer) => RenderFlow.Break;
}

internal sealed class StopNode : TemplateNode
{
    public static readonly StopNode Instance = new();

    public override RenderFlow Render(TemplateRenderer renderer) => RenderFlow.Stop;
}

/// <summary><c>#define($name) body #end</c>: <c>$name</c> renders the body when referenced.</summary>
internal sealed class DefineNode(int slot, TemplateNode[] body) : TemplateNode
{
    public override RenderFlow Render(TemplateRenderer renderer)
    {
        renderer.SetSlot(slot, TemplateValue.From(new DefinedBlock(body, renderer)));
        return RenderFlow.Normal;
    }
}

internal sealed class DefinedBlock(TemplateNode[] body, TemplateRenderer renderer) : ITemplateObject
{
    public bool TryGetProperty(string name, out TemplateValue value)
    {
        value = TemplateValue.Null;
        return false;
    }

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        if (name == "toString" && args.Length == 0)
        {
            var sb = new StringBuilder();
            WriteTo(sb);
            result = TemplateValue.From(sb.ToString());
            return true;
        }
        result = TemplateValue.Null;
        return false;
    }

    public void WriteTo(StringBuilder output) => renderer.RenderInto(body, output);
}

/// <summary><c>$foreach</c>: <c>hasNext</c>, <c>index</c> (0-based), <c>count</c> (1-based), <c>first</c>, <c>last</c>.</summary>
internal sealed class ForeachState : ITemplateObject
{
    public int Index { get; set; }

    public bool HasNext { get; set; }

    public bool TryGetProperty(string name, out TemplateValue value)
    {
        switch (name)
        {
            case "hasNext":
                value = TemplateValue.From(HasNext);
                return true;
            case "index":
                value = TemplateValue.From((long)Index);
                return true;
            case "count":
                value = TemplateValue.From(Index + 1L);
                return true;
            case "first":
                value = TemplateValue.From(Index == 0);
                return true;
            case "last":
                value = TemplateValue.From(!HasNext);
                return true;
            default:
                value = TemplateValue.Null;
                return false;
        }
    }

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        if (args.Length == 0 && name.Length > 3)
        {
            var property = name.StartsWith("get", StringComparison.Ordinal) || name.StartsWith("has", StringComparison.Ordinal)
                ? name == "hasNext" ? name : char.ToLowerInvariant(name[3]) + name[4..]
                : name.StartsWith("is", StringComparison.Ordinal) ? char.ToLowerInvariant(name[2]) + name[3..] : name;
            return TryGetProperty(property, out result);
        }
        result = TemplateValue.Null;
        return false;
    }

    public void WriteTo(StringBuilder output) => output.Append("$foreach");
}
