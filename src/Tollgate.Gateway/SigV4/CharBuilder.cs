using System.Buffers;

namespace Tollgate.Gateway.SigV4;

/// <summary>
/// A growable character buffer on pooled arrays, so that building a canonical request does not
/// allocate per request. Dispose returns the array to the pool.
/// </summary>
internal ref struct CharBuilder
{
    private char[] _array;
    private int _length;

    public CharBuilder(int capacity)
    {
        _array = ArrayPool<char>.Shared.Rent(capacity);
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> AsSpan() => _array.AsSpan(0, _length);

    public readonly ReadOnlySpan<char> AsSpan(int start, int length) => _array.AsSpan(start, length);

    public void Append(char c)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }
        _array[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> s)
    {
        if (_length + s.Length > _array.Length)
        {
            Grow(s.Length);
        }
        s.CopyTo(_array.AsSpan(_length));
        _length += s.Length;
    }

    /// <summary>Appends <c>%XX</c> with upper-case hex, as SigV4 requires.</summary>
    public void AppendPercentEncoded(byte b)
    {
        const string Hex = "0123456789ABCDEF";
        if (_length + 3 > _array.Length)
        {
            Grow(3);
        }
        _array[_length] = '%';
        _array[_length + 1] = Hex[b >> 4];
        _array[_length + 2] = Hex[b & 0xF];
        _length += 3;
    }

    public void Truncate(int length) => _length = length;

    public override readonly string ToString() => new(_array, 0, _length);

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int needed)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + needed));
        _array.AsSpan(0, _length).CopyTo(next);
        if (_array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_array);
        }
        _array = next;
    }
}
