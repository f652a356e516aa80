using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// A compiled JSON Schema (draft 4), ready to validate instances. Immutable and safe to share
/// between threads; validating a valid instance allocates nothing.
/// </summary>
internal sealed class JsonSchema
{
    /// <summary>How many errors a failed validation reports unless told otherwise.</summary>
    public const int DefaultMaxErrors = 10;

    /// <summary>The base URI of a schema compiled without one.</summary>
    public static readonly Uri DefaultBaseUri = new("tollgate://schema/root.json");

    private readonly SchemaNode _root;

    internal JsonSchema(SchemaNode root) => _root = root;

    /// <summary>Compiles a standalone schema; throws <see cref="SchemaCompileException"/> with every problem.</summary>
    public static JsonSchema Compile(JsonElement schema, Uri? baseUri = null, ISchemaResolver? resolver = null)
    {
        var compiler = new SchemaCompiler(resolver);
        var root = compiler.CompileDocument(baseUri ?? DefaultBaseUri, schema);
        if (compiler.Errors.Count > 0)
        {
            throw new SchemaCompileException(compiler.Errors);
        }
        return new JsonSchema(root);
    }

    /// <summary>Whether the instance is valid; stops at the first failure.</summary>
    public bool IsValid(JsonElement instance) => _root.Validate(instance, null, 0);

    /// <summary>Validates, reporting at most <paramref name="maxErrors"/> errors with their instance paths.</summary>
    public ValidationResult Validate(JsonElement instance, int maxErrors = DefaultMaxErrors)
    {
        if (_root.Validate(instance, null, 0))
        {
            return ValidationResult.Valid;
        }
        // Invalid: run again, this time collecting (the fast pass stays allocation-free).
        var errors = new ErrorCollector(maxErrors);
        _root.Validate(instance, errors, 0);
        return new ValidationResult(errors.Errors);
    }
}

/// <summary>A schema that cannot be compiled, with every problem found in it.</summary>
internal sealed class SchemaCompileException(IReadOnlyList<string> errors)
    : Exception("Invalid JSON schema: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
