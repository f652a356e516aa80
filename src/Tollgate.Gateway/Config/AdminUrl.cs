using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The address of the admin listener (<c>server.adminListen</c>): <c>http://</c>, a host that is an
/// IP address or <c>localhost</c>, and a port, nothing else. Narrower than the gateway's own
/// listen URLs on purpose: the admin listener answers probes from the node or the pod network, so
/// the operator names the interface (<c>127.0.0.1</c>, or <c>0.0.0.0</c> for a kubelet probing the
/// pod's IP), and a path or TLS would only suggest features it does not have.
/// </summary>
internal static partial class AdminUrl
{
    /// <summary>Reads <paramref name="value"/>; <paramref name="problem"/> says what is wrong with it otherwise.</summary>
    public static bool TryParse(string value, out int port, out string? problem)
    {
        port = 0;
        problem = "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.";
        var match = Shape().Match(value);
        if (!match.Success)
        {
            return false;
        }
        var host = match.Groups["host"].Value;
        var bareHost = host.StartsWith('[') ? host[1..^1] : host;
        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(bareHost, out _))
        {
            return false;
        }
        if (!int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            problem = "has a port beyond 65535.";
            return false;
        }
        problem = null;
        return true;
    }

    [GeneratedRegex(@"^http://(?<host>\[[0-9A-Fa-f:.]+\]|[^/:\[\]@?#]+):(?<port>[0-9]{1,5})/?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
