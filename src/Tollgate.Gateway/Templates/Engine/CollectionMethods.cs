namespace Tollgate.Gateway.Templates.Engine;

/// <summary>The <c>java.util.List</c> and <c>java.util.Map</c> methods templates call.</summary>
internal static class CollectionMethods
{
    public static bool TryInvokeList(TemplateList list, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        result = TemplateValue.Null;
        var items = list.Items;
        switch (name)
        {
            case "size" when args.Length == 0:
                result = TemplateValue.From((long)items.Count);
                return true;
            case "isEmpty" when args.Length == 0:
                result = TemplateValue.From(items.Count == 0);
                return true;
            case "get" when args.Length == 1:
                result = items[CheckIndex(args[0], items.Count, false)];
                return true;
            case "contains" when args.Length == 1:
                result = TemplateValue.From(list.Contains(args[0]));
                return true;
            case "indexOf" when args.Length == 1:
                result = TemplateValue.From((long)items.IndexOf(args[0]));
                return true;
            case "add" when args.Length == 1:
                items.Add(args[0]);
                result = TemplateValue.True;
                return true;
            case "add" when args.Length == 2:
                items.Insert(CheckIndex(args[0], items.Count, true), args[1]);
                return true;
            case "set" when args.Length == 2:
                var setAt = CheckIndex(args[0], items.Count, false);
                result = items[setAt];
                items[setAt] = args[1];
                return true;
            case "remove" when args.Length == 1:
                // Java picks remove(int) for an integer argument and remove(Object) otherwise.
                if (args[0].Kind == TemplateValueKind.Integer)
                {
                    var removeAt = CheckIndex(args[0], items.Count, false);
                    result = items[removeAt];
                    items.RemoveAt(removeAt);
                }
                else
                {
                    result = TemplateValue.From(items.Remove(args[0]));
                }
                return true;
            case "addAll" when args.Length == 1 && args[0].Kind == TemplateValueKind.List:
                items.AddRange(args[0].AsList.Items.ToArray());
                result = TemplateValue.True;
                return true;
            case "clear" when args.Length == 0:
                items.Clear();
                return true;
            default:
                return false;
        }
    }

    private static int CheckIndex(TemplateValue index, int count, bool inclusive)
    {
        if (!index.TryGetInt32(out var i) || i < 0 || (inclusive ? i > count : i >= count))
        {
            throw new TemplateRuntimeException($"Index {index} is out of bounds for length {count}.");
        }
        return i;
    }

    public static bool TryInvokeMap(TemplateMap map, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        result = TemplateValue.Null;
        switch (name)
        {
            case "get" when args.Length == 1:
                result = args[0].IsNull ? TemplateValue.Null : map.Get(args[0].ToString());
                return true;
            case "containsKey" when args.Length == 1:
                result = TemplateValue.From(!args[0].IsNull && map.ContainsKey(args[0].ToString()));
                return true;
            case "containsValue" when args.Length == 1:
                result = TemplateValue.From(ContainsValue(map, args[0]));
                return true;
            case "put" when args.Length == 2:
                result = map.Put(args[0].ToString(), args[1]);
                return true;
            case "remove" when args.Length == 1:
                result = map.Remove(args[0].ToString());
                return true;
            case "putAll" when args.Length == 1 && args[0].Kind == TemplateValueKind.Map:
                foreach (var (key, value) in args[0].AsMap.Items.ToArray())
                {
                    map.Put(key, value);
                }
                return true;
            case "size" when args.Length == 0:
                result = TemplateValue.From((long)map.Count);
                return true;
            case "isEmpty" when args.Length == 0:
                result = TemplateValue.From(map.Count == 0);
                return true;
            case "keySet" when args.Length == 0:
                var keys = new TemplateList(capacity: map.Count);
                foreach (var (key, _) in map.Items)
                {
                    keys.Add(TemplateValue.From(key));
                }
                result = TemplateValue.From(keys);
                return true;
            case "values" when args.Length == 0:
                var values = new TemplateList(capacity: map.Count);
                foreach (var (_, value) in map.Items)
                {
                    values.Add(value);
                }
                result = TemplateValue.From(values);
                return true;
            case "entrySet" when args.Length == 0:
                var entries = new TemplateList(capacity: map.Count);
                foreach (var (key, value) in map.Items)
                {
                    entries.Add(TemplateValue.From(new TemplateMapEntry(key, value)));
                }
                result = TemplateValue.From(entries);
                return true;
            case "clear" when args.Length == 0:
                map.Items.Clear();
                return true;
            default:
                return false;
        }
    }

    private static bool ContainsValue(TemplateMap map, TemplateValue value)
    {
        foreach (var (_, item) in map.Items)
        {
            if (item.Equals(value))
            {
                return true;
            }
        }
        return false;
    }
}
