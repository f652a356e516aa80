using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Reads a JSON or YAML file into a <see cref="JsonElement"/>, so that everything downstream (the
/// OpenAPI importer, the config file reader) works on one representation. Syntax errors become
/// diagnostics with line and column; nothing here throws on bad input.
/// </summary>
internal static class DocumentReader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        // Lenient on purpose: hand-written config files carry comments; AWS exports never do, so
        // accepting them changes nothing for an export.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    /// <summary>
    /// The largest config or definition file read, in bytes (64 MB). Real exports are a few MB at
    /// most; the cap keeps a path pointing at a huge file or a device (/dev/zero, which reports a
    /// length of 0) a config error instead of an OutOfMemoryException.
    /// </summary>
    public const int MaxFileBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Reads the file at <paramref name="path"/>. <paramref name="label"/> names the file in
    /// diagnostics, e.g. <c>definition 'orders.json'</c>. Returns null (with a diagnostic) when the
    /// file cannot be read, is larger than <paramref name="maxBytes"/>, or cannot be parsed.
    /// </summary>
    public static JsonElement? ReadFile(string path, string label, DiagnosticBag diagnostics, int maxBytes = MaxFileBytes, SourceDigest? digest = null)
    {
        string text;
        try
        {
            if (ReadCapped(path, maxBytes, digest) is not { } read)
            {
                diagnostics.Error(label, $"'{path}' is larger than the limit of {SizeText(maxBytes)} for a config or definition file.");
                return null;
            }
            text = read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            diagnostics.Error(label, $"cannot read '{path}': {e.Message}");
            return null;
        }
        return Parse(text, FormatOf(path, text), label, diagnostics);
    }

    /// <summary>
    /// The file's text (encoding from its byte order mark, else UTF-8, as File.ReadAllText), or
    /// null when it holds more than <paramref name="maxBytes"/>. The length the file system
    /// reports is not trusted: the bytes are counted as they are read.
    /// </summary>
    private static string? ReadCapped(string path, int maxBytes, SourceDigest? digest)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    return null;
                }
                Array.Resize(ref buffer, (int)Math.Min((long)maxBytes + 1, (long)buffer.Length * 2));
            }
            var read = file.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        if (length > maxBytes)
        {
            return null;
        }
        digest?.Add(path, buffer.AsSpan(0, length));
        using var reader = new StreamReader(new MemoryStream(buffer, 0, length, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string SizeText(int bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : bytes % 1024 == 0 ? $"{bytes / 1024} KB" : $"{bytes} bytes";

    /// <summary>Parses <paramref name="text"/> in the given format.</summary>
    public static JsonElement? Parse(string text, DocumentFormat format, string label, DiagnosticBag diagnostics) =>
        format == DocumentFormat.Json ? ParseJson(text, label, diagnostics) : YamlToJson.Convert(text, label, diagnostics);

    /// <summary>
    /// JSON for <c>.json</c>, YAML for <c>.yaml</c>/<c>.yml</c>; otherwise JSON when the first
    /// non-blank character opens an object or array (YAML flow style is rare in files), else YAML.
    /// </summary>
    public static DocumentFormat FormatOf(string path, string text)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return DocumentFormat.Json;
        }
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return DocumentFormat.Yaml;
        }
        var first = text.AsSpan().TrimStart();
        return first.Length > 0 && (first[0] == '{' || first[0] == '[') ? DocumentFormat.Json : DocumentFormat.Yaml;
    }

    private static JsonElement? ParseJson(string text, string label, DiagnosticBag diagnostics)
    {
        if (text.AsSpan().Trim().IsEmpty)
        {
            diagnostics.Error(label, "the file is empty.");
            return null;
        }
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text, JsonOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0);
            var column = CharacterColumn(text, line, (int)(e.BytePositionInLine ?? 0));
            diagnostics.Error($"{label}, line {line + 1}, column {column + 1}", "JSON syntax error: " + FirstSentence(e.Message));
            return null;
        }
        ReportDuplicateKeys(root, "", label, diagnostics);
        return root;
    }

    /// <summary>
    /// JsonDocument accepts duplicate keys (the last one wins for lookups, silently). A config with
    /// two <c>paths./pets</c> almost always hides a mistake, so it is an error, as in YAML.
    /// </summary>
    private static void ReportDuplicateKeys(JsonElement element, string location, string label, DiagnosticBag diagnostics)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            HashSet<string>? seen = null;
            foreach (var property in element.EnumerateObject())
            {
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                var at = location.Length == 0 ? property.Name : location + "." + property.Name;
                if (!seen.Add(property.Name))
                {
                    diagnostics.Error(label, $"duplicate key '{property.Name}' at {(location.Length == 0 ? "the top level" : location)}.");
                }
                ReportDuplicateKeys(property.Value, at, label, diagnostics);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                ReportDuplicateKeys(item, $"{location}[{index++}]", label, diagnostics);
            }
        }
    }

    /// <summary>JsonException counts UTF-8 bytes; people count characters.</summary>
    private static int CharacterColumn(string text, int line, int bytePosition)
    {
        var start = 0;
        for (var i = 0; i < line && start >= 0; i++)
        {
            start = text.IndexOf('\n', start);
            start = start < 0 ? -1 : start + 1;
        }
        if (start < 0)
        {
            return bytePosition;
        }
        var end = text.IndexOf('\n', start);
        var lineText = end < 0 ? text[start..] : text[start..end];
        var bytes = Encoding.UTF8.GetBytes(lineText);
        return Encoding.UTF8.GetCharCount(bytes, 0, Math.Min(bytePosition, bytes.Length));
    }

    /// <summary>System.Text.Json appends "Path: $ | LineNumber: ..." (or just "LineNumber: ..."), which the location already says.</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var lineNumber = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (lineNumber >= 0 && (cut < 0 || lineNumber < cut))
        {
            cut = lineNumber;
        }
        var text = (cut < 0 ? message : message[..cut]).Trim();
        return text.EndsWith('.') ? text : text + ".";
    }
}

/// <summary>The syntax of a document file.</summary>
internal enum DocumentFormat
{
    Json,
    Yaml,
}
