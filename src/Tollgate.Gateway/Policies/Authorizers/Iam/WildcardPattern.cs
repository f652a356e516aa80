namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>
/// An IAM wildcard pattern (<c>*</c> any run of characters, including none and including
/// <c>/</c>; <c>?</c> exactly one character), compiled once. Common shapes (exact, <c>*</c>,
/// <c>prefix*</c>) match without scanning for wildcards; the rest use a linear backtracking
/// match, never a regular expression.
/// </summary>
internal sealed class WildcardPattern
{
    private enum Shape
    {
        Exact,
        Any,
        Prefix,
        General,
    }

    private readonly string _pattern;
    private readonly Shape _shape;
    private readonly bool _ignoreCase;

    public WildcardPattern(string pattern, bool ignoreCase)
    {
        _pattern = pattern;
        _ignoreCase = ignoreCase;
        var star = pattern.IndexOf('*');
        var hasQuestion = pattern.Contains('?');
        if (pattern == "*")
        {
            _shape = Shape.Any;
        }
        else if (star < 0 && !hasQuestion)
        {
            _shape = Shape.Exact;
        }
        else if (!hasQuestion && star == pattern.Length - 1)
        {
            _shape = Shape.Prefix;
            _pattern = pattern[..^1];
        }
        else
        {
            _shape = Shape.General;
        }
    }

    public string Text => _shape == Shape.Prefix ? _pattern + "*" : _pattern;

    public bool IsMatch(ReadOnlySpan<char> input)
    {
        var comparison = _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return _shape switch
        {
            Shape.Any => true,
            Shape.Exact => input.Equals(_pattern, comparison),
            Shape.Prefix => input.StartsWith(_pattern, comparison),
            _ => MatchGeneral(_pattern, input, _ignoreCase),
        };
    }

    private static bool MatchGeneral(ReadOnlySpan<char> pattern, ReadOnlySpan<char> input, bool ignoreCase)
    {
        int p = 0, s = 0, starP = -1, starS = 0;
        while (s < input.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && Same(pattern[p], input[s], ignoreCase))))
            {
                p++;
                s++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starS = s;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                s = ++starS;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    public override string ToString() => Text;
}
