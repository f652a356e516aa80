using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Templates.ApiGateway;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// What the integration answered, before the integration responses map it: its status, headers,
/// body and content type. For MOCK there is only a status.
/// </summary>
internal sealed class IntegrationResult(int status, byte[] body, string? contentType, IReadOnlyList<KeyValuePair<string, string>>? headers)
{
    private string? _text;
    private bool _parsed;
    private JsonElement? _json;

    public static IntegrationResult Mock(int status) => new(status, [], null, null);

    public int Status { get; } = status;

    public byte[] Body { get; } = body;

    public string? ContentType { get; } = contentType;

    public string Text => _text ??= Encoding.UTF8.GetString(Body);

    /// <summary>The last value of a response header, null when absent (names match without regard to case).</summary>
    public string? Header(string name)
    {
        string? found = null;
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = value;
                }
            }
        }
        return found;
    }

    /// <summary>The body parsed as JSON, once; null when it is not JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            if (!_parsed)
            {
                _parsed = true;
                if (Body.Length > 0 && JsonValues.TryParse(Body, out var root))
                {
                    _json = root;
                }
            }
            return _json;
        }
    }
}
