using System.Runtime.CompilerServices;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>The closed set of value kinds a template works with.</summary>
internal enum TemplateValueKind : byte
{
    Null,
    String,
    Boolean,
    Integer,
    Double,
    List,
    Map,
    Object,
}

/// <summary>
/// A template value: null, string, boolean, 64-bit integer, double, list, ordered map or a host
/// object. A small struct so that numbers and booleans are not boxed on the hot path.
/// </summary>
internal readonly struct TemplateValue : IEquatable<TemplateValue>
{
    private readonly object? _ref;
    private readonly long _bits;

    private TemplateValue(TemplateValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _ref = reference;
    }

    public static readonly TemplateValue Null;
    public static readonly TemplateValue True = new(TemplateValueKind.Boolean, 1, null);
    public static readonly TemplateValue False = new(TemplateValueKind.Boolean, 0, null);
    public static readonly TemplateValue EmptyString = new(TemplateValueKind.String, 0, "");

    public TemplateValueKind Kind { get; }

    public bool IsNull => Kind == TemplateValueKind.Null;

    public bool IsNumber => Kind is TemplateValueKind.Integer or TemplateValueKind.Double;

    public bool IsString => Kind == TemplateValueKind.String;

    public string AsString => (string)_ref!;

    public bool AsBoolean => _bits != 0;

    public long AsInteger => _bits;

    public double AsDouble => Kind == TemplateValueKind.Integer ? _bits : BitConverter.Int64BitsToDouble(_bits);

    public TemplateList AsList => (TemplateList)_ref!;

    public TemplateMap AsMap => (TemplateMap)_ref!;

    public ITemplateObject AsObject => (ITemplateObject)_ref!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TemplateValue From(string? value) =>
        value is null ? Null : new TemplateValue(TemplateValueKind.String, 0, value);

    public static TemplateValue From(bool value) => value ? True : False;

    public static TemplateValue From(long value) => new(TemplateValueKind.Integer, value, null);

    public static TemplateValue From(double value) =>
        new(TemplateValueKind.Double, BitConverter.DoubleToInt64Bits(value), null);

    public static TemplateValue From(TemplateList? value) =>
        value is null ? Null : new TemplateValue(TemplateValueKind.List, 0, value);

    public static TemplateValue From(TemplateMap? value) =>
        value is null ? Null : new TemplateValue(TemplateValueKind.Map, 0, value);

    public static TemplateValue From(ITemplateObject? value) =>
        value is null ? Null : new TemplateValue(TemplateValueKind.Object, 0, value);

    /// <summary>Velocity truthiness: null and false are false, everything else is true.</summary>
    public bool IsTruthy => Kind switch
    {
        TemplateValueKind.Null => false,
        TemplateValueKind.Boolean => _bits != 0,
        _ => true,
    };

    public bool TryGetInt32(out int value)
    {
        if (Kind == TemplateValueKind.Integer && _bits is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)_bits;
            return true;
        }
        if (Kind == TemplateValueKind.Double)
        {
            var d = BitConverter.Int64BitsToDouble(_bits);
            if (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
            {
                value = (int)d;
                return true;
            }
        }
        value = 0;
        return false;
    }

    /// <summary>Java's <c>String.valueOf</c> of the value, as Velocity renders it.</summary>
    public override string ToString() => Kind switch
    {
        TemplateValueKind.Null => "null",
        TemplateValueKind.String => AsString,
        _ => ValueFormatter.Format(this),
    };

    /// <summary>Java <c>equals</c>: same kind and equal content; numbers compare by value.</summary>
    public bool Equals(TemplateValue other)
    {
        if (IsNumber && other.IsNumber)
        {
            return Kind == TemplateValueKind.Integer && other.Kind == TemplateValueKind.Integer
                ? _bits == other._bits
                : AsDouble.Equals(other.AsDouble);
        }
        if (Kind != other.Kind)
        {
            return false;
        }
        return Kind switch
        {
            TemplateValueKind.Null => true,
            TemplateValueKind.String => string.Equals(AsString, other.AsString, StringComparison.Ordinal),
            TemplateValueKind.Boolean => _bits == other._bits,
            TemplateValueKind.List => AsList.ContentEquals(other.AsList),
            TemplateValueKind.Map => AsMap.ContentEquals(other.AsMap),
            _ => ReferenceEquals(_ref, other._ref),
        };
    }

    public override bool Equals(object? obj) => obj is TemplateValue other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        TemplateValueKind.String => StringComparer.Ordinal.GetHashCode(AsString),
        TemplateValueKind.Integer => _bits.GetHashCode(),
        TemplateValueKind.Double => AsDouble.GetHashCode(),
        TemplateValueKind.Boolean => _bits.GetHashCode(),
        _ => _ref?.GetHashCode() ?? 0,
    };

    public static bool operator ==(TemplateValue left, TemplateValue right) => left.Equals(right);

    public static bool operator !=(TemplateValue left, TemplateValue right) => !left.Equals(right);
}
