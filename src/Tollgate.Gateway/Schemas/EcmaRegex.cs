using System.Text;
using System.Text.RegularExpressions;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// A JSON Schema <c>pattern</c>: an ECMA 262 regular expression, searched for anywhere in the
/// string (not anchored). The pattern is rewritten into .NET syntax with ECMA 262 meanings
/// rather than run under <see cref="RegexOptions.ECMAScript"/>, which cannot be combined with
/// the non-backtracking engine and leaves <c>\s</c> ASCII-only:
/// <list type="bullet">
/// <item><c>\d</c>, <c>\w</c> are ASCII-only (as in ECMA 262); <c>\s</c> is ECMA 262's whitespace set.</item>
/// <item><c>$</c> matches only at the very end (.NET also matches before a final newline).</item>
/// <item><c>\p{Letter}</c>-style long category names map to .NET's short ones.</item>
/// <item>A character outside the BMP followed by a quantifier is grouped, so the quantifier
/// applies to the whole surrogate pair.</item>
/// </list>
/// Patterns run on the non-backtracking engine (linear time, safe with hostile input) when it
/// supports them; patterns with lookarounds or backreferences fall back to the backtracking
/// engine with a match timeout, and a timeout counts as no match.
/// </summary>
internal sealed class EcmaRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const string EcmaWhitespace = @"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

    private static readonly Dictionary<string, string> CategoryNames = new(StringComparer.Ordinal)
    {
        ["Letter"] = "L", ["Lowercase_Letter"] = "Ll", ["Uppercase_Letter"] = "Lu", ["Titlecase_Letter"] = "Lt",
        ["Modifier_Letter"] = "Lm", ["Other_Letter"] = "Lo", ["Mark"] = "M", ["Number"] = "N",
        ["Decimal_Number"] = "Nd", ["digit"] = "Nd", ["Letter_Number"] = "Nl", ["Other_Number"] = "No",
        ["Punctuation"] = "P", ["Symbol"] = "S", ["Separator"] = "Z", ["Space_Separator"] = "Zs",
        ["Other"] = "C", ["Control"] = "Cc",
    };

    private readonly Regex _regex;

    private EcmaRegex(string source, Regex regex)
    {
        Source = source;
        _regex = regex;
    }

    /// <summary>The pattern as written in the schema.</summary>
    public string Source { get; }

    /// <summary>Compiles a pattern; null with an error message if it is not a valid regular expression.</summary>
    public static EcmaRegex? TryCreate(string pattern, out string? error)
    {
        error = null;
        var translated = Translate(pattern);
        const RegexOptions options = RegexOptions.CultureInvariant;
        try
        {
            return new EcmaRegex(pattern, new Regex(translated, options | RegexOptions.NonBacktracking));
        }
        catch (NotSupportedException)
        {
            // Lookarounds, backreferences, atomic groups: not on the linear-time engine.
        }
        catch (ArgumentException)
        {
            // Reported below by the backtracking engine, whose messages are the clearer.
        }
        try
        {
            return new EcmaRegex(pattern, new Regex(translated, options, MatchTimeout));
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    public bool IsMatch(ReadOnlySpan<char> input)
    {
        try
        {
            return _regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Rewrites ECMA 262 syntax whose meaning differs in .NET (see the class summary).</summary>
    internal static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                switch (next)
                {
                    case 'd': sb.Append(inClass ? "0-9" : "[0-9]"); continue;
                    case 'D' when !inClass: sb.Append("[^0-9]"); continue;
                    case 'w': sb.Append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"); continue;
                    case 'W' when !inClass: sb.Append("[^a-zA-Z0-9_]"); continue;
                    case 's': sb.Append(inClass ? EcmaWhitespace : "[" + EcmaWhitespace + "]"); continue;
                    case 'S' when !inClass: sb.Append("[^" + EcmaWhitespace + "]"); continue;
                    case 'p' or 'P' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                        var close = pattern.IndexOf('}', i + 2);
                        if (close > 0)
                        {
                            var name = pattern[(i + 2)..close];
                            sb.Append('\\').Append(next).Append('{').Append(CategoryNames.GetValueOrDefault(name, name)).Append('}');
                            i = close;
                            continue;
                        }
                        break;
                }
                sb.Append('\\').Append(next);
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                sb.Append(c);
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    // A ']' first in a class is a literal in .NET but closes an empty class in ECMA 262.
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        sb.Append(@"\b-[\b]]");
                        inClass = false;
                        i++;
                    }
                    break;
                case '$':
                    sb.Append(@"\z");
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
                    {
                        sb.Append("(?:").Append(c).Append(pattern[++i]).Append(')');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }
}
