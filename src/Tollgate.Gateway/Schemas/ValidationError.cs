namespace Tollgate.Gateway.Schemas;

/// <summary>One way in which an instance does not match its schema.</summary>
/// <param name="InstancePath">JSON Pointer to the offending value, <c>""</c> for the whole body.</param>
/// <param name="Keyword">The schema keyword that failed, e.g. <c>required</c>.</param>
/// <param name="Message">
/// The message in the words of the java json-schema-validator that API Gateway uses, e.g.
/// <c>object has missing required properties (["name"])</c>.
/// </param>
internal sealed record ValidationError(string InstancePath, string Keyword, string Message);

/// <summary>The outcome of validating one instance.</summary>
internal sealed class ValidationResult
{
    /// <summary>The shared result of every valid instance (no allocation on success).</summary>
    public static ValidationResult Valid { get; } = new([]);

    public ValidationResult(IReadOnlyList<ValidationError> errors) => Errors = errors;

    public bool IsValid => Errors.Count == 0;

    /// <summary>The first errors found, at most the limit the validation was run with.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>
    /// <c>$context.error.validationErrorString</c> as API Gateway fills it: the messages in a
    /// Java list, <c>[first, second]</c>, with double quotes and backslashes escaped so that the
    /// variable can stand inside a JSON string in a gateway response template, e.g.
    /// <c>[object has missing required properties ([\"name\"])]</c>. Empty when valid.
    /// </summary>
    public string ValidationErrorString => _errorString ??= FormatErrorString(Errors);

    private string? _errorString;

    internal static string FormatErrorString(IReadOnlyList<ValidationError> errors)
    {
        if (errors.Count == 0)
        {
            return "";
        }
        var builder = new System.Text.StringBuilder("[");
        for (var i = 0; i < errors.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }
            foreach (var c in errors[i].Message)
            {
                if (c is '"' or '\\')
                {
                    builder.Append('\\');
                }
                builder.Append(c);
            }
        }
        return builder.Append(']').ToString();
    }
}
