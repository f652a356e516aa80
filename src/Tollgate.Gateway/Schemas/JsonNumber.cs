using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// A number from a schema (a limit or a divisor), kept as a decimal when it fits so that
/// comparisons and <c>multipleOf</c> are exact for the values people write (0.01, 19.99),
/// and as a double for everything else.
/// </summary>
internal readonly struct JsonNumber
{
    private readonly decimal _decimal;
    private readonly bool _isDecimal;

    private JsonNumber(JsonElement element)
    {
        _isDecimal = element.TryGetDecimal(out _decimal);
        Double = element.GetDouble();
        Text = element.GetRawText();
    }

    /// <summary>The value as a double (may be rounded).</summary>
    public double Double { get; }

    /// <summary>The number as written in the schema, for messages.</summary>
    public string Text { get; }

    public static JsonNumber From(JsonElement element) => new(element);

    /// <summary>Compares an instance number with this one: negative, zero or positive.</summary>
    public int CompareInstance(JsonElement instance)
    {
        if (_isDecimal && instance.TryGetDecimal(out var value))
        {
            return value.CompareTo(_decimal);
        }
        return instance.GetDouble().CompareTo(Double);
    }

    /// <summary>Whether an instance number is an integer multiple of this one.</summary>
    public bool Divides(JsonElement instance)
    {
        if (_isDecimal && _decimal != 0 && instance.TryGetDecimal(out var value))
        {
            try
            {
                return value % _decimal == 0m;
            }
            catch (OverflowException)
            {
                // Falls through to the double arithmetic below.
            }
        }
        var v = instance.GetDouble();
        if (double.IsInfinity(v))
        {
            return false;
        }
        // IEEERemainder does not overflow where v / divisor would (1e308 / 0.5).
        var remainder = Math.IEEERemainder(v, Double);
        return remainder == 0 || Math.Abs(remainder) <= Math.Abs(Double) * 1e-9;
    }

    /// <summary>
    /// Whether a JSON number is mathematically an integer (draft 4: <c>1.0</c> and <c>1e2</c> are;
    /// <c>1.5</c> is not), decided on the text so that numbers of any size work.
    /// </summary>
    public static bool IsInteger(JsonElement number)
    {
        var raw = JsonMarshal.GetRawUtf8Value(number);
        var i = 0;
        if (raw[0] == '-')
        {
            i++;
        }
        // Digits as written, ignoring the decimal point; the exponent says where the point goes.
        var lastNonZero = -1;   // position (in significant digits) of the last non-zero digit
        var digitCount = 0;
        var fractionDigits = 0;
        var inFraction = false;
        for (; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '.')
            {
                inFraction = true;
                continue;
            }
            if (c is (byte)'e' or (byte)'E')
            {
                break;
            }
            if (c != '0')
            {
                lastNonZero = digitCount;
            }
            digitCount++;
            if (inFraction)
            {
                fractionDigits++;
            }
        }
        if (lastNonZero < 0)
        {
            return true; // zero
        }
        long exponent = 0;
        if (i < raw.Length)
        {
            i++;
            var negative = false;
            if (raw[i] is (byte)'+' or (byte)'-')
            {
                negative = raw[i] == '-';
                i++;
            }
            for (; i < raw.Length && exponent < int.MaxValue; i++)
            {
                exponent = (exponent * 10) + (raw[i] - '0');
            }
            if (negative)
            {
                exponent = -exponent;
            }
        }
        // Digits after the point once the exponent is applied, then trailing zeros do not count.
        var trailingZeros = digitCount - 1 - lastNonZero;
        var fractional = fractionDigits - exponent - trailingZeros;
        return fractional <= 0;
    }
}
