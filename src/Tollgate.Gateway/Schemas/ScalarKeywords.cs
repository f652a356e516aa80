using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary><c>minLength</c> and <c>maxLength</c>, counted in Unicode code points.</summary>
internal sealed class LengthKeyword(long min, long max) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var length = JsonText.CodePointLength(instance);
        if (length < min)
        {
            errors?.Add("minLength", "string " + JsonText.ToJson(instance) + " is too short (length: " + length + ", required minimum: " + min + ")");
            return false;
        }
        if (length > max)
        {
            errors?.Add("maxLength", "string " + JsonText.ToJson(instance) + " is too long (length: " + length + ", maximum allowed: " + max + ")");
            return false;
        }
        return true;
    }
}

/// <summary><c>pattern</c>: an ECMA 262 regex found anywhere in the string.</summary>
internal sealed class PatternKeyword(EcmaRegex regex) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        bool valid;
        if (JsonText.TryGetUnescapedUtf8(instance, out var utf8))
        {
            Span<char> buffer = stackalloc char[JsonText.StackLimit];
            var text = JsonText.Decode(utf8, buffer, out var rented);
            valid = regex.IsMatch(text);
            JsonText.Return(rented);
        }
        else
        {
            valid = regex.IsMatch(instance.GetString());
        }
        if (!valid)
        {
            errors?.Add("pattern", "ECMA 262 regex " + JsonText.Quote(regex.Source) + " does not match input string " + JsonText.ToJson(instance));
        }
        return valid;
    }
}

/// <summary><c>format</c> for the formats that <see cref="Formats"/> knows.</summary>
internal sealed class FormatKeyword(Func<string, bool> check, string messageSuffix) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        // Formats are checked on the decoded string; a model with a format pays one string here.
        var value = instance.GetString()!;
        if (check(value))
        {
            return true;
        }
        errors?.Add("format", "string " + JsonText.ToJson(instance) + messageSuffix);
        return false;
    }
}

/// <summary><c>minimum</c> with <c>exclusiveMinimum</c>.</summary>
internal sealed class MinimumKeyword(JsonNumber limit, bool exclusive) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var cmp = limit.CompareInstance(instance);
        if (cmp > 0 || (!exclusive && cmp == 0))
        {
            return true;
        }
        if (cmp < 0)
        {
            errors?.Add("minimum", "numeric instance is lower than the required minimum (minimum: " + limit.Text + ", found: " + instance.GetRawText() + ")");
            return false;
        }
        errors?.Add("minimum", "numeric instance is not strictly greater than the required minimum " + limit.Text);
        return false;
    }
}

/// <summary><c>maximum</c> with <c>exclusiveMaximum</c>.</summary>
internal sealed class MaximumKeyword(JsonNumber limit, bool exclusive) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var cmp = limit.CompareInstance(instance);
        if (cmp < 0 || (!exclusive && cmp == 0))
        {
            return true;
        }
        if (cmp > 0)
        {
            errors?.Add("maximum", "numeric instance is greater than the required maximum (maximum: " + limit.Text + ", found: " + instance.GetRawText() + ")");
            return false;
        }
        errors?.Add("maximum", "numeric instance is not strictly lower than the required maximum " + limit.Text);
        return false;
    }
}

/// <summary><c>multipleOf</c>, in decimal arithmetic where the numbers fit.</summary>
internal sealed class MultipleOfKeyword(JsonNumber divisor) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        if (divisor.Divides(instance))
        {
            return true;
        }
        errors?.Add("multipleOf", "remainder of division is not zero (" + instance.GetRawText() + " / " + divisor.Text + ")");
        return false;
    }
}
