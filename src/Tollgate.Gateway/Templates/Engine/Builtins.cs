namespace Tollgate.Gateway.Templates.Engine;

/// <summary>Property, index and method dispatch over template values (Java semantics).</summary>
internal static class Builtins
{
    /// <summary>
    /// <c>$x.name</c>: a map entry, a host object's property, or (Velocity's getter rule) the
    /// zero-argument method <c>getName()</c> or <c>isName()</c>.
    /// </summary>
    public static TemplateValue GetProperty(TemplateValue target, string name)
    {
        switch (target.Kind)
        {
            case TemplateValueKind.Map:
                return target.AsMap.Get(name);
            case TemplateValueKind.Object:
                if (target.AsObject.TryGetProperty(name, out var value))
                {
                    return value;
                }
                break;
            case TemplateValueKind.Null:
                return TemplateValue.Null;
        }
        if (name.Length == 0)
        {
            return TemplateValue.Null;
        }
        var capitalized = char.ToUpperInvariant(name[0]) + name[1..];
        if (TryInvoke(target, "get" + capitalized, [], out var result) || TryInvoke(target, "is" + capitalized, [], out result))
        {
            return result;
        }
        return TemplateValue.Null;
    }

    /// <summary><c>$x[i]</c>: list element (negative counts from the end), map entry, or <c>get(i)</c> of an object.</summary>
    public static TemplateValue GetIndex(TemplateValue target, TemplateValue index)
    {
        switch (target.Kind)
        {
            case TemplateValueKind.List:
                return index.Kind == TemplateValueKind.Integer && target.AsList.TryGet(index.AsInteger, out var item)
                    ? item
                    : TemplateValue.Null;
            case TemplateValueKind.Map:
                return index.IsNull ? TemplateValue.Null : target.AsMap.Get(index.ToString());
            case TemplateValueKind.Object:
                return target.AsObject.TryInvoke("get", [index], out var result) ? result : TemplateValue.Null;
            default:
                return TemplateValue.Null;
        }
    }

    public static TemplateValue Invoke(TemplateRenderer renderer, TemplateValue target, string name, ReadOnlySpan<TemplateValue> args)
    {
        _ = renderer;
        return TryInvoke(target, name, args, out var result) ? result : TemplateValue.Null;
    }

    public static bool TryInvoke(TemplateValue target, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        switch (target.Kind)
        {
            case TemplateValueKind.String:
                if (StringMethods.TryInvoke(target.AsString, name, args, out result))
                {
                    return true;
                }
                break;
            case TemplateValueKind.List:
                if (CollectionMethods.TryInvokeList(target.AsList, name, args, out result))
                {
                    return true;
                }
                break;
            case TemplateValueKind.Map:
                if (CollectionMethods.TryInvokeMap(target.AsMap, name, args, out result))
                {
                    return true;
                }
                break;
            case TemplateValueKind.Object:
                if (target.AsObject.TryInvoke(name, args, out result))
                {
                    return true;
                }
                break;
            case TemplateValueKind.Integer:
            case TemplateValueKind.Double:
            case TemplateValueKind.Boolean:
                if (TryInvokeScalar(target, name, args, out result))
                {
                    return true;
                }
                break;
            default:
                result = TemplateValue.Null;
                return false;
        }
        // Methods every Java object has.
        switch (name)
        {
            case "toString" when args.Length == 0:
                result = TemplateValue.From(ValueFormatter.Format(target));
                return true;
            case "equals" when args.Length == 1:
                result = TemplateValue.From(target.Equals(args[0]));
                return true;
            case "hashCode" when args.Length == 0:
                result = TemplateValue.From((long)target.GetHashCode());
                return true;
        }
        result = TemplateValue.Null;
        return false;
    }

    private static bool TryInvokeScalar(TemplateValue target, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        result = TemplateValue.Null;
        if (args.Length != 0)
        {
            if (name == "compareTo" && args.Length == 1 && target.IsNumber && args[0].IsNumber)
            {
                result = TemplateValue.From((long)target.AsDouble.CompareTo(args[0].AsDouble));
                return true;
            }
            return false;
        }
        switch (name)
        {
            case "intValue" or "longValue" when target.IsNumber:
                result = TemplateValue.From(target.Kind == TemplateValueKind.Integer ? target.AsInteger : (long)target.AsDouble);
                return name == "longValue" || Truncate32(ref result);
            case "doubleValue" or "floatValue" when target.IsNumber:
                result = TemplateValue.From(target.AsDouble);
                return true;
            case "booleanValue" when target.Kind == TemplateValueKind.Boolean:
                result = target;
                return true;
            default:
                return false;
        }
    }

    private static bool Truncate32(ref TemplateValue value)
    {
        value = TemplateValue.From((long)unchecked((int)value.AsInteger));
        return true;
    }
}
