namespace Tollgate.Gateway.Diagnostics;

/// <summary>How serious a configuration problem is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The configuration cannot be served.</summary>
    Error,

    /// <summary>Served, but something is ignored or not served yet.</summary>
    Warning,
}

/// <summary>
/// One problem found in a configuration, naming the object it is in, for example
/// <c>API 'petstore', method 'GET /pets/{petId}': authorizer 'jwt' is not defined.</c>
/// </summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Location">The object, outermost first: file, API, resource, method, field.</param>
/// <param name="Message">What is wrong, as a sentence.</param>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() =>
        (Severity == DiagnosticSeverity.Error ? "error: " : "warning: ") +
        (Location.Length == 0 ? Message : Location + ": " + Message);
}

/// <summary>Collects every problem instead of stopping at the first (DESIGN.md, principle 2).</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public bool HasErrors { get; private set; }

    public void Error(string location, string message)
    {
        HasErrors = true;
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, location, message));
    }

    public void Warning(string location, string message) =>
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, location, message));

    public void AddRange(IEnumerable<ConfigDiagnostic> items)
    {
        foreach (var item in items)
        {
            if (item.Severity == DiagnosticSeverity.Error)
            {
                HasErrors = true;
            }
            _items.Add(item);
        }
    }
}
