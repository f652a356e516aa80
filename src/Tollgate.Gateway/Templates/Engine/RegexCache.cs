using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// Regular expressions used by templates, compiled once and shared. Templates use constant
/// patterns, so the cache stays small; it is bounded anyway so that data-driven patterns cannot
/// grow it without limit. Matching has a timeout so a pathological pattern cannot hang a request.
/// </summary>
internal static class RegexCache
{
    private const int MaxEntries = 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Regex> WholePatterns = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Replacements = new(StringComparer.Ordinal);

    /// <summary>A Java pattern as a .NET regex; throws <see cref="TemplateRuntimeException"/> when invalid.</summary>
    public static Regex Get(string pattern) => GetOrAdd(Patterns, pattern, pattern);

    /// <summary>The pattern anchored at both ends, for <c>String.matches</c>.</summary>
    public static Regex GetWhole(string pattern) => GetOrAdd(WholePatterns, pattern, @"\A(?:" + pattern + @")\z");

    private static Regex GetOrAdd(ConcurrentDictionary<string, Regex> cache, string key, string pattern)
    {
        if (cache.TryGetValue(key, out var regex))
        {
            return regex;
        }
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw new TemplateRuntimeException($"Invalid regular expression '{key}': {e.Message}", e);
        }
        if (cache.Count < MaxEntries)
        {
            cache.TryAdd(key, regex);
        }
        return regex;
    }

    /// <summary>
    /// Java's replacement syntax as .NET's: <c>$1</c> and <c>${name}</c> stay, <c>\x</c> is a literal x,
    /// and a literal <c>$</c> becomes <c>$$</c>.
    /// </summary>
    public static string ConvertReplacement(string replacement)
    {
        if (replacement.IndexOf('\\') < 0 && replacement.IndexOf('$') < 0)
        {
            return replacement;
        }
        if (Replacements.TryGetValue(replacement, out var converted))
        {
            return converted;
        }
        var sb = new StringBuilder(replacement.Length + 4);
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\')
            {
                if (++i >= replacement.Length)
                {
                    throw new TemplateRuntimeException("Character to be escaped is missing in the replacement.");
                }
                sb.Append(replacement[i] == '$' ? "$$" : replacement[i].ToString());
            }
            else if (c == '$')
            {
                if (i + 1 < replacement.Length && (char.IsAsciiDigit(replacement[i + 1]) || replacement[i + 1] == '{'))
                {
                    sb.Append('$');
                }
                else
                {
                    throw new TemplateRuntimeException("Illegal group reference in the replacement.");
                }
            }
            else
            {
                sb.Append(c);
            }
        }
        converted = sb.ToString();
        if (Replacements.Count < MaxEntries)
        {
            Replacements.TryAdd(replacement, converted);
        }
        return converted;
    }
}
