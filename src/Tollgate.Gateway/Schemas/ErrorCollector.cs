using System.Text;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// Collects errors with the instance path while validating. Only used once an instance has
/// been found invalid, so it may allocate; the fast path runs without one.
/// </summary>
internal sealed class ErrorCollector
{
    private readonly List<ValidationError> _errors = [];
    private readonly List<string> _path = [];
    private readonly int _limit;

    public ErrorCollector(int limit) => _limit = Math.Max(1, limit);

    /// <summary>True once the limit is reached: validation stops.</summary>
    public bool IsFull => _errors.Count >= _limit;

    public IReadOnlyList<ValidationError> Errors => _errors;

    public void Push(string segment) => _path.Add(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    public void Push(int index) => _path.Add(index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Pop() => _path.RemoveAt(_path.Count - 1);

    public void Add(string keyword, string message)
    {
        if (IsFull)
        {
            return;
        }
        var path = new StringBuilder();
        foreach (var segment in _path)
        {
            path.Append('/').Append(segment);
        }
        _errors.Add(new ValidationError(path.ToString(), keyword, message));
    }
}
