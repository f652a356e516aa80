using System.Text;
using System.Text.RegularExpressions;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>The <c>java.lang.String</c> methods templates call, with Java's semantics.</summary>
internal static class StringMethods
{
    public static bool TryInvoke(string s, string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        result = TemplateValue.Null;
        switch (args.Length)
        {
            case 0:
                switch (name)
                {
                    case "length": result = TemplateValue.From((long)s.Length); return true;
                    case "isEmpty": result = TemplateValue.From(s.Length == 0); return true;
                    case "isBlank": result = TemplateValue.From(string.IsNullOrWhiteSpace(s)); return true;
                    case "trim": result = TemplateValue.From(JavaTrim(s)); return true;
                    case "strip": result = TemplateValue.From(s.Trim()); return true;
                    case "toLowerCase": result = TemplateValue.From(s.ToLowerInvariant()); return true;
                    case "toUpperCase": result = TemplateValue.From(s.ToUpperInvariant()); return true;
                    case "toString": result = TemplateValue.From(s); return true;
                    default: return false;
                }
            case 1:
                var a = args[0];
                switch (name)
                {
                    case "substring": result = TemplateValue.From(Substring(s, Int(a, name), s.Length)); return true;
                    case "charAt":
                        var at = Int(a, name);
                        if (at < 0 || at >= s.Length)
                        {
                            throw new TemplateRuntimeException($"String index out of range: {at}");
                        }
                        result = TemplateValue.From(s[at].ToString());
                        return true;
                    case "contains": result = TemplateValue.From(s.Contains(Str(a, name), StringComparison.Ordinal)); return true;
                    case "startsWith": result = TemplateValue.From(s.StartsWith(Str(a, name), StringComparison.Ordinal)); return true;
                    case "endsWith": result = TemplateValue.From(s.EndsWith(Str(a, name), StringComparison.Ordinal)); return true;
                    case "indexOf": result = TemplateValue.From((long)s.IndexOf(Str(a, name), StringComparison.Ordinal)); return true;
                    case "lastIndexOf": result = TemplateValue.From((long)s.LastIndexOf(Str(a, name), StringComparison.Ordinal)); return true;
                    case "equals": result = TemplateValue.From(a.IsString && a.AsString == s); return true;
                    case "equalsIgnoreCase": result = TemplateValue.From(a.IsString && string.Equals(a.AsString, s, StringComparison.OrdinalIgnoreCase)); return true;
                    case "compareTo": result = TemplateValue.From((long)Math.Sign(string.CompareOrdinal(s, Str(a, name)))); return true;
                    case "matches": result = TemplateValue.From(Matches(s, Str(a, name))); return true;
                    case "concat": result = TemplateValue.From(s + Str(a, name)); return true;
                    case "split": result = TemplateValue.From(Split(s, Str(a, name))); return true;
                    default: return false;
                }
            case 2:
                var x = args[0];
                var y = args[1];
                switch (name)
                {
                    case "substring": result = TemplateValue.From(Substring(s, Int(x, name), Int(y, name))); return true;
                    case "replace": result = TemplateValue.From(Replace(s, Str(x, name), Str(y, name))); return true;
                    case "replaceAll": result = TemplateValue.From(RegexReplace(s, Str(x, name), Str(y, name), -1)); return true;
                    case "replaceFirst": result = TemplateValue.From(RegexReplace(s, Str(x, name), Str(y, name), 1)); return true;
                    case "indexOf": result = TemplateValue.From((long)IndexOf(s, Str(x, name), Int(y, name))); return true;
                    case "startsWith":
                        var offset = Int(y, name);
                        result = TemplateValue.From(offset >= 0 && offset <= s.Length && s.AsSpan(offset).StartsWith(Str(x, name), StringComparison.Ordinal));
                        return true;
                    default: return false;
                }
            default:
                return false;
        }
    }

    private static string Str(TemplateValue value, string method)
    {
        if (value.IsNull)
        {
            throw new TemplateRuntimeException($"String.{method} was called with null.");
        }
        return value.ToString();
    }

    private static int Int(TemplateValue value, string method)
    {
        if (!value.TryGetInt32(out var i))
        {
            throw new TemplateRuntimeException($"String.{method} needs an integer argument, not '{value}'.");
        }
        return i;
    }

    private static string Substring(string s, int begin, int end)
    {
        if (begin < 0 || end > s.Length || begin > end)
        {
            throw new TemplateRuntimeException($"begin {begin}, end {end}, length {s.Length}");
        }
        return s[begin..end];
    }

    private static int IndexOf(string s, string value, int from)
    {
        from = Math.Max(from, 0);
        return from > s.Length ? (value.Length == 0 ? s.Length : -1) : s.IndexOf(value, from, StringComparison.Ordinal);
    }

    /// <summary>Java's <c>trim</c> removes every character up to U+0020 at both ends.</summary>
    private static string JavaTrim(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && s[start] <= ' ')
        {
            start++;
        }
        while (end > start && s[end - 1] <= ' ')
        {
            end--;
        }
        return start == 0 && end == s.Length ? s : s[start..end];
    }

    /// <summary>Java's literal <c>replace</c>; an empty target inserts the replacement between characters.</summary>
    private static string Replace(string s, string target, string replacement)
    {
        if (target.Length > 0)
        {
            return s.Replace(target, replacement, StringComparison.Ordinal);
        }
        var sb = new StringBuilder(s.Length + ((s.Length + 1) * replacement.Length));
        sb.Append(replacement);
        foreach (var c in s)
        {
            sb.Append(c).Append(replacement);
        }
        return sb.ToString();
    }

    private static bool Matches(string s, string pattern)
    {
        try
        {
            return RegexCache.GetWhole(pattern).IsMatch(s);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new TemplateRuntimeException("A regular expression took too long.", e);
        }
    }

    private static string RegexReplace(string s, string pattern, string replacement, int count)
    {
        var regex = RegexCache.Get(pattern);
        var converted = RegexCache.ConvertReplacement(replacement);
        try
        {
            return regex.Replace(s, converted, count);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new TemplateRuntimeException("A regular expression took too long.", e);
        }
    }

    /// <summary>
    /// Java's <c>split(regex)</c>: no leading empty string for a zero-width match at the start,
    /// trailing empty strings removed, and the whole string when nothing matches.
    /// </summary>
    public static TemplateList Split(string s, string pattern)
    {
        var list = new TemplateList();
        var index = 0;
        var matched = false;
        try
        {
            var match = RegexCache.Get(pattern).Match(s);
            for (; match.Success; match = match.NextMatch())
            {
                if (match.Length == 0 && match.Index == 0)
                {
                    continue;
                }
                matched = true;
                list.Add(TemplateValue.From(s[index..match.Index]));
                index = match.Index + match.Length;
            }
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new TemplateRuntimeException("A regular expression took too long.", e);
        }
        if (!matched)
        {
            list.Add(TemplateValue.From(s));
            return list;
        }
        list.Add(TemplateValue.From(s[index..]));
        var items = list.Items;
        while (items.Count > 0 && items[^1].AsString.Length == 0)
        {
            items.RemoveAt(items.Count - 1);
        }
        return list;
    }
}
