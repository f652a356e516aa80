using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Schemas;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>
/// The compiled models of one API (<see cref="Model.Api.Models"/>), by name. Models that refer
/// to each other share compiled nodes. Built once per config snapshot.
/// </summary>
internal sealed class ModelSchemaSet
{
    private readonly ImmutableDictionary<string, JsonSchema> _schemas;

    private ModelSchemaSet(ImmutableDictionary<string, JsonSchema> schemas) => _schemas = schemas;

    /// <summary>A set with no models.</summary>
    public static ModelSchemaSet Empty { get; } = new(ImmutableDictionary<string, JsonSchema>.Empty);

    public int Count => _schemas.Count;

    /// <summary>
    /// Compiles every model of an API. Each problem is reported to <paramref name="diagnostics"/>
    /// as an error at <c>{location}, model 'Name'</c>; models with problems are left out.
    /// </summary>
    public static ModelSchemaSet Compile(string apiId, ImmutableDictionary<string, JsonElement> models, DiagnosticBag diagnostics, string location)
    {
        var resolver = new ModelSchemaResolver(apiId, models);
        var compiler = new SchemaCompiler(resolver);
        var builder = ImmutableDictionary.CreateBuilder<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var (name, schema) in models.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var before = compiler.Errors.Count;
            var root = compiler.CompileDocument(ModelSchemaResolver.ModelUri(apiId, name), schema);
            if (compiler.Errors.Count == before)
            {
                builder[name] = new JsonSchema(root);
                continue;
            }
            for (var i = before; i < compiler.Errors.Count; i++)
            {
                diagnostics.Error(location + ", model '" + name + "'", compiler.Errors[i]);
            }
        }
        return new ModelSchemaSet(builder.ToImmutable());
    }

    public bool TryGet(string modelName, out JsonSchema schema) => _schemas.TryGetValue(modelName, out schema!);
}
