namespace Tollgate.Gateway.Schemas;

/// <summary>
/// The draft-4 formats that are checked: <c>date-time</c> (RFC 3339), <c>email</c>,
/// <c>hostname</c> (RFC 1123), <c>ipv4</c>, <c>ipv6</c> and <c>uri</c> (RFC 3986, absolute).
/// Other formats are accepted without a check, as the specification allows.
/// </summary>
internal static class Formats
{
    /// <summary>The check and the message tail for a format; false for formats not checked.</summary>
    public static bool TryGet(string format, out Func<string, bool> check, out string messageSuffix)
    {
        (check, messageSuffix) = format switch
        {
            "date-time" => ((Func<string, bool>)IsDateTime,
                " is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]"),
            "email" => (IsEmail, " is not a valid email address"),
            "hostname" => (IsHostname, " is not a valid hostname"),
            "ipv4" => (IsIPv4, " is not a valid IPv4 address"),
            "ipv6" => (IsIPv6, " is not a valid IPv6 address"),
            "uri" => (IsUri, " is not a valid URI"),
            _ => (null!, ""),
        };
        return check is not null;
    }

    public static bool IsDateTime(string s)
    {
        // yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm), T and Z in either case.
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] | 0x20) != 't' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }
        var i = 19;
        if (s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        if (i >= s.Length)
        {
            return false;
        }
        int offsetHour = 0, offsetMinute = 0;
        if ((s[i] | 0x20) == 'z')
        {
            i++;
        }
        else if (s[i] is '+' or '-')
        {
            if (i + 6 != s.Length || s[i + 3] != ':' || !Digits(s, i + 1, 2, out offsetHour) || !Digits(s, i + 4, 2, out offsetMinute)
                || offsetHour > 23 || offsetMinute > 59)
            {
                return false;
            }
            i += 6;
        }
        if (i != s.Length || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        if (second == 60)
        {
            // A leap second is only ever 23:59:60 in UTC.
            var sign = s[19..].Contains('-', StringComparison.Ordinal) ? 1 : -1;
            var utcMinutes = (((hour * 60) + minute + (sign * ((offsetHour * 60) + offsetMinute))) % 1440 + 1440) % 1440;
            return utcMinutes == (23 * 60) + 59;
        }
        return true;
    }

    public static bool IsEmail(string s)
    {
        var at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1)
        {
            return false;
        }
        var local = s.AsSpan(0, at);
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in local)
        {
            if (c <= ' ' || c > '~' || "()<>[]:;@\\,\"".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }
        var domain = s[(at + 1)..];
        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? IsIPv6(literal[5..]) : IsIPv4(literal);
        }
        return IsHostname(domain);
    }

    public static bool IsHostname(string s)
    {
        if (s.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var label in s.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }

    public static bool IsIPv4(string s)
    {
        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !Digits(part, 0, part.Length, out var value) || value > 255)
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsIPv6(string s)
    {
        var doubleColon = s.IndexOf("::", StringComparison.Ordinal);
        if (doubleColon >= 0 && s.IndexOf("::", doubleColon + 1, StringComparison.Ordinal) >= 0)
        {
            return false;
        }
        var groups = 0;
        var parts = doubleColon >= 0
            ? [.. Split(s[..doubleColon]), .. Split(s[(doubleColon + 2)..])]
            : s.Split(':');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == parts.Length - 1 && part.Contains('.', StringComparison.Ordinal))
            {
                if (!IsIPv4(part))
                {
                    return false;
                }
                groups += 2;
                continue;
            }
            if (part.Length is 0 or > 4 || !All(part, char.IsAsciiHexDigit))
            {
                return false;
            }
            groups++;
        }
        return doubleColon >= 0 ? groups <= 7 : groups == 8;

        static string[] Split(string half) => half.Length == 0 ? [] : half.Split(':');
    }

    public static bool IsUri(string s)
    {
        // scheme ":" hier-part, with only the characters RFC 3986 allows and well-formed %XX.
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        for (var i = 1; i < colon; i++)
        {
            if (!char.IsAsciiLetterOrDigit(s[i]) && s[i] is not ('+' or '-' or '.'))
            {
                return false;
            }
        }
        for (var i = colon + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && !"-._~:/?#[]@!$&'()*+,;=".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (s.AsSpan(colon + 1).StartsWith("//"))
        {
            // The authority's port, if any, is digits only.
            var rest = s[(colon + 3)..];
            var end = rest.IndexOfAny(['/', '?', '#']);
            var authority = end < 0 ? rest : rest[..end];
            var hostStart = authority.LastIndexOf('@') + 1;
            var hostPort = authority[hostStart..];
            var portColon = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.IndexOf(':', StringComparison.Ordinal);
            if (portColon > 0 && !All(hostPort[(portColon + 1)..], char.IsAsciiDigit))
            {
                return false;
            }
        }
        return true;
    }

    private static bool All(string s, Func<char, bool> predicate)
    {
        foreach (var c in s)
        {
            if (!predicate(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
            value = (value * 10) + (s[i] - '0');
        }
        return true;
    }
}
