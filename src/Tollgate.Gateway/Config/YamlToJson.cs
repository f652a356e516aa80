using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Converts YAML to JSON through YamlDotNet's representation model. Plain scalars are typed by the
/// YAML 1.2 core schema (null, booleans, integers, floats); quoted, literal and folded scalars and
/// <c>!!str</c> are always strings, so <c>'200'</c> stays a string and <c>200</c> becomes a number.
/// Anchors and aliases are resolved; <c>&lt;&lt;</c> merge keys are honoured because hand-written
/// configs use them.
/// </summary>
internal static partial class YamlToJson
{
    // Guards against alias bombs ("billion laughs"): an honest document is far below this.
    private const int MaxValues = 1_000_000;

    private const string StrTag = "tag:yaml.org,2002:str";

    public static JsonElement? Convert(string text, string label, DiagnosticBag diagnostics)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            diagnostics.Error(At(label, e.Start), "YAML syntax error: " + Sentence(e.Message));
            return null;
        }
#pragma warning disable CA1031 // YamlDotNet throws InvalidOperationException and others on some malformed input.
        catch (Exception e)
#pragma warning restore CA1031
        {
            diagnostics.Error(At(label, scanner.CurrentPosition), "YAML syntax error: " + Sentence(e.Message));
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            diagnostics.Error(label, "the file is empty.");
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            diagnostics.Error(At(label, stream.Documents[1].RootNode.Start), "the file holds more than one YAML document; expected one.");
            return null;
        }

        var converter = new Writer(label, diagnostics);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            converter.Write(writer, stream.Documents[0].RootNode);
        }
        if (converter.Failed)
        {
            return null;
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static string At(string label, Mark mark) => $"{label}, line {mark.Line}, column {mark.Column}";

    private static string Sentence(string message)
    {
        var text = message.Trim();
        return text.EndsWith('.') ? text : text + ".";
    }

    /// <summary>The JSON number for a YAML 1.2 core-schema integer or float, or null if the scalar is neither.</summary>
    internal static string? JsonNumber(string value)
    {
        if (DecimalInt().IsMatch(value))
        {
            return BigInteger.Parse(value.TrimStart('+'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }
        if (value.StartsWith("0x", StringComparison.Ordinal) && HexDigits().IsMatch(value[2..]))
        {
            return BigInteger.Parse("0" + value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }
        if (value.StartsWith("0o", StringComparison.Ordinal) && OctalDigits().IsMatch(value[2..]))
        {
            var result = BigInteger.Zero;
            foreach (var digit in value.AsSpan(2))
            {
                result = (result * 8) + (digit - '0');
            }
            return result.ToString(CultureInfo.InvariantCulture);
        }
        var match = Float().Match(value);
        if (!match.Success)
        {
            return null;
        }
        // Rewrite into JSON's stricter grammar without going through double, so no digit is lost:
        // "+.5" -> "0.5", "1." -> "1.0", "007.5" -> "7.5".
        var sign = match.Groups["sign"].Value == "-" ? "-" : "";
        var integer = match.Groups["int"].Value.TrimStart('0');
        var fraction = match.Groups["frac"].Success ? match.Groups["frac"].Value : null;
        var exponent = match.Groups["exp"].Value;
        var number = (integer.Length == 0 ? "0" : integer) + (fraction is null ? "" : "." + (fraction.Length == 0 ? "0" : fraction));
        return sign + number + exponent;
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexDigits();

    [GeneratedRegex("^[0-7]+$")]
    private static partial Regex OctalDigits();

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:(?<int>[0-9]*)\.(?<frac>[0-9]*)|(?<int>[0-9]+))(?<exp>[eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex InfinityOrNaN();

    private sealed class Writer(string label, DiagnosticBag diagnostics)
    {
        // Nodes on the path from the root: an alias to one of them is a cycle with no JSON form.
        private readonly HashSet<YamlNode> _open = new(ReferenceEqualityComparer.Instance);
        private int _values;

        public bool Failed { get; private set; }

        public void Write(Utf8JsonWriter writer, YamlNode node)
        {
            // After a failure the output is discarded; nulls keep the writer's structure valid.
            if (Failed)
            {
                writer.WriteNullValue();
                return;
            }
            if (++_values > MaxValues)
            {
                Fail(node, $"the document expands to more than {MaxValues:N0} values (aliases repeating aliases?).");
                writer.WriteNullValue();
                return;
            }
            switch (node)
            {
                case YamlScalarNode scalar:
                    WriteScalar(writer, scalar);
                    break;
                case YamlSequenceNode sequence:
                    if (!Enter(writer, sequence))
                    {
                        return;
                    }
                    writer.WriteStartArray();
                    foreach (var item in sequence.Children)
                    {
                        Write(writer, item);
                    }
                    writer.WriteEndArray();
                    _open.Remove(sequence);
                    break;
                case YamlMappingNode mapping:
                    if (!Enter(writer, mapping))
                    {
                        return;
                    }
                    writer.WriteStartObject();
                    WriteMembers(writer, mapping, new HashSet<string>(StringComparer.Ordinal));
                    writer.WriteEndObject();
                    _open.Remove(mapping);
                    break;
                default:
                    Fail(node, $"unsupported YAML node '{node.NodeType}'.");
                    writer.WriteNullValue();
                    break;
            }
        }

        private bool Enter(Utf8JsonWriter writer, YamlNode node)
        {
            if (_open.Add(node))
            {
                return true;
            }
            Fail(node, "an alias refers to a node that contains it; the document has no JSON form.");
            writer.WriteNullValue();
            return false;
        }

        /// <summary>
        /// Writes the pairs of <paramref name="mapping"/>; keys written already (explicit keys win over
        /// merged ones, as in YAML's merge key spec) are skipped.
        /// </summary>
        private void WriteMembers(Utf8JsonWriter writer, YamlMappingNode mapping, HashSet<string> written)
        {
            List<YamlNode>? merges = null;
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode key)
                {
                    Fail(keyNode, "a mapping key must be a scalar for the document to have a JSON form.");
                    return;
                }
                var name = key.Value ?? "";
                if (name == "<<" && key.Style == ScalarStyle.Plain && key.Tag.IsEmpty)
                {
                    merges ??= [];
                    merges.Add(value);
                    continue;
                }
                if (written.Add(name))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
            }
            foreach (var merge in merges ?? [])
            {
                var sources = merge is YamlSequenceNode list ? list.Children : (IList<YamlNode>)[merge];
                foreach (var source in sources)
                {
                    if (source is not YamlMappingNode map)
                    {
                        Fail(source, "a merge key ('<<') must refer to a mapping or a list of mappings.");
                        return;
                    }
                    if (!_open.Add(map))
                    {
                        Fail(map, "an alias refers to a node that contains it; the document has no JSON form.");
                        return;
                    }
                    WriteMembers(writer, map, written);
                    _open.Remove(map);
                }
            }
        }

        private void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
        {
            var value = scalar.Value ?? "";
            var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
            // Only untagged plain scalars are typed; '!' (non-specific) and !!str mean string.
            if (scalar.Style != ScalarStyle.Plain || tag.Length > 0)
            {
                if (tag.Length > 0 && tag != StrTag && tag != "!")
                {
                    Fail(scalar, $"the YAML tag '{tag}' is not supported; quote the value or remove the tag.");
                    writer.WriteNullValue();
                    return;
                }
                writer.WriteStringValue(value);
                return;
            }
            switch (value)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    writer.WriteNullValue();
                    return;
                case "true" or "True" or "TRUE":
                    writer.WriteBooleanValue(true);
                    return;
                case "false" or "False" or "FALSE":
                    writer.WriteBooleanValue(false);
                    return;
            }
            if (JsonNumber(value) is { } number)
            {
                writer.WriteRawValue(number);
                return;
            }
            if (InfinityOrNaN().IsMatch(value))
            {
                Fail(scalar, $"'{value}' is a YAML float with no JSON form; quote it if a string is meant.");
                writer.WriteNullValue();
                return;
            }
            writer.WriteStringValue(value);
        }

        private void Fail(YamlNode node, string message)
        {
            Failed = true;
            diagnostics.Error(At(label, node.Start), message);
        }
    }
}
