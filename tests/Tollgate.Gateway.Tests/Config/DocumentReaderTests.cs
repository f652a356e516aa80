using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class DocumentReaderTests
{
    private static (JsonElement? Document, DiagnosticBag Diagnostics) Parse(string text, DocumentFormat format)
    {
        var diagnostics = new DiagnosticBag();
        return (DocumentReader.Parse(text, format, "file 'x'", diagnostics), diagnostics);
    }

    private static string Yaml(string text)
    {
        var (document, diagnostics) = Parse(text, DocumentFormat.Yaml);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return document!.Value.GetRawText();
    }

    [Theory]
    [InlineData("v: ~", "null")]
    [InlineData("v: null", "null")]
    [InlineData("v: NULL", "null")]
    [InlineData("v:", "null")]
    [InlineData("v: true", "true")]
    [InlineData("v: False", "false")]
    [InlineData("v: 200", "200")]
    [InlineData("v: -17", "-17")]
    [InlineData("v: +5", "5")]
    [InlineData("v: 007", "7")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: 0o17", "15")]
    [InlineData("v: 1.5", "1.5")]
    [InlineData("v: .5", "0.5")]
    [InlineData("v: 1.", "1.0")]
    [InlineData("v: -2.5e3", "-2.5e3")]
    [InlineData("v: 12345678901234567890123", "12345678901234567890123")]
    [InlineData("v: 1.0.0", "\"1.0.0\"")]
    [InlineData("v: yes", "\"yes\"")]
    [InlineData("v: on", "\"on\"")]
    [InlineData("v: 0x", "\"0x\"")]
    [InlineData("v: 2024-05-02", "\"2024-05-02\"")]
    [InlineData("v: hello world", "\"hello world\"")]
    public void Parse_YamlPlainScalar_TypedByCoreSchema(string yaml, string json) =>
        Assert.Equal("{\"v\":" + json + "}", Yaml(yaml));

    [Theory]
    [InlineData("v: '200'")]
    [InlineData("v: \"true\"")]
    [InlineData("v: !!str 200")]
    [InlineData("v: ! 200")]
    [InlineData("v: |\n  200")]
    [InlineData("v: >\n  200")]
    public void Parse_YamlQuotedOrTaggedScalar_IsString(string yaml)
    {
        using var document = JsonDocument.Parse(Yaml(yaml));
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("v").ValueKind);
    }

    [Fact]
    public void Parse_YamlIntegerKey_BecomesPropertyName() =>
        Assert.Equal("{\"responses\":{\"200\":{\"description\":\"ok\"}}}", Yaml("responses:\n  200:\n    description: ok\n"));

    [Fact]
    public void Parse_YamlAnchorAndAlias_ResolvesAlias() =>
        Assert.Equal("{\"a\":{\"x\":1},\"b\":{\"x\":1}}", Yaml("a: &shared {x: 1}\nb: *shared\n"));

    [Fact]
    public void Parse_YamlMergeKey_MergesWithExplicitKeysWinning() =>
        Assert.Equal("{\"base\":{\"a\":1,\"b\":2},\"derived\":{\"b\":3,\"a\":1}}",
            Yaml("base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n"));

    [Fact]
    public void Parse_YamlRecursiveAlias_ReportsErrorWithoutThrowing()
    {
        var (document, diagnostics) = Parse("a: &x\n  b: *x\n", DocumentFormat.Yaml);
        Assert.Null(document);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("an alias refers to a node that contains it", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_YamlSyntaxError_ReportsLineAndColumn()
    {
        var (document, diagnostics) = Parse("a: 1\nb:\n  c: 2\n d: 3\n", DocumentFormat.Yaml);
        Assert.Null(document);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("file 'x', line 4, column 2", error.Location);
        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlUnclosedFlowSequence_ReportsErrorWithPosition()
    {
        var (document, diagnostics) = Parse("a: [1, 2\nb: 3\n", DocumentFormat.Yaml);
        Assert.Null(document);
        Assert.Matches("^file 'x', line [0-9]+, column [0-9]+$", Assert.Single(diagnostics.Items).Location);
    }

    [Fact]
    public void Parse_YamlDuplicateKey_ReportsError()
    {
        var (_, diagnostics) = Parse("a: 1\na: 2\n", DocumentFormat.Yaml);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("file 'x', line 2, column 1", error.Location);
        Assert.Contains("Duplicate key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlUnknownAlias_ReportsError()
    {
        var (document, diagnostics) = Parse("a: *nope\n", DocumentFormat.Yaml);
        Assert.Null(document);
        Assert.Contains("nope", Assert.Single(diagnostics.Items).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlInfinity_ReportsNoJsonForm()
    {
        var (document, diagnostics) = Parse("a: 1\nb: .inf\n", DocumentFormat.Yaml);
        Assert.Null(document);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("file 'x', line 2, column 4", error.Location);
        Assert.Equal("'.inf' is a YAML float with no JSON form; quote it if a string is meant.", error.Message);
    }

    [Fact]
    public void Parse_YamlUnsupportedTag_ReportsError()
    {
        var (_, diagnostics) = Parse("a: !Ref Thing\n", DocumentFormat.Yaml);
        Assert.Equal("the YAML tag '!Ref' is not supported; quote the value or remove the tag.", Assert.Single(diagnostics.Items).Message);
    }

    [Fact]
    public void Parse_YamlComplexKey_ReportsError()
    {
        var (_, diagnostics) = Parse("? [a, b]\n: 1\n", DocumentFormat.Yaml);
        Assert.Equal("a mapping key must be a scalar for the document to have a JSON form.", Assert.Single(diagnostics.Items).Message);
    }

    [Fact]
    public void Parse_YamlTwoDocuments_ReportsError()
    {
        var (_, diagnostics) = Parse("a: 1\n---\nb: 2\n", DocumentFormat.Yaml);
        Assert.Equal("the file holds more than one YAML document; expected one.", Assert.Single(diagnostics.Items).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_EmptyText_ReportsEmptyFile(bool json)
    {
        var (document, diagnostics) = Parse("  \n", json ? DocumentFormat.Json : DocumentFormat.Yaml);
        Assert.Null(document);
        Assert.Equal("error: file 'x': the file is empty.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Parse_JsonSyntaxError_ReportsLineAndCharacterColumn()
    {
        var (document, diagnostics) = Parse("{\n  \"é\": 1,\n  \"b\": tru\n}", DocumentFormat.Json);
        Assert.Null(document);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("file 'x', line 3, column 11", error.Location); // where the reader gave up on "tru"
        Assert.StartsWith("JSON syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonNonAsciiBeforeError_CountsCharactersNotBytes()
    {
        var (_, diagnostics) = Parse("{\"ééé\": x}", DocumentFormat.Json);
        Assert.Equal("file 'x', line 1, column 9", Assert.Single(diagnostics.Items).Location);
    }

    [Fact]
    public void Parse_JsonDuplicateKey_ReportsErrorWithPath()
    {
        var (_, diagnostics) = Parse("{\"paths\": {\"/a\": {}, \"/a\": {}}}", DocumentFormat.Json);
        Assert.Equal("error: file 'x': duplicate key '/a' at paths.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Parse_JsonWithCommentsAndTrailingComma_Accepted()
    {
        var (document, diagnostics) = Parse("{\n  // listen here\n  \"a\": [1, 2,],\n}", DocumentFormat.Json);
        Assert.Empty(diagnostics.Items);
        Assert.Equal(2, document!.Value.GetProperty("a").GetArrayLength());
    }

    [Theory]
    [InlineData("api.json", "a: 1", "Json")]
    [InlineData("api.YAML", "{}", "Yaml")]
    [InlineData("api.yml", "{}", "Yaml")]
    [InlineData("api.txt", "  {\"a\": 1}", "Json")]
    [InlineData("api", "a: 1", "Yaml")]
    public void FormatOf_ExtensionThenContent_PicksFormat(string path, string text, string expected) =>
        Assert.Equal(expected, DocumentReader.FormatOf(path, text).ToString());

    [Fact]
    public void ReadFile_MissingFile_ReportsErrorWithoutThrowing()
    {
        var diagnostics = new DiagnosticBag();
        var path = Path.Combine(Path.GetTempPath(), "tollgate-missing-" + Guid.NewGuid().ToString("N") + ".json");
        Assert.Null(DocumentReader.ReadFile(path, "definition 'missing.json'", diagnostics));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("definition 'missing.json'", error.Location);
        Assert.StartsWith($"cannot read '{path}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_AtTheSizeLimit_IsRead_OneByteOver_IsAConfigError()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-size-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            const int Limit = 1024;
            var document = "{\"a\": \"" + new string('x', Limit - 9) + "\"}";
            Assert.Equal(Limit, document.Length);
            var atLimit = Path.Combine(directory, "at.json");
            var over = Path.Combine(directory, "over.json");
            File.WriteAllText(atLimit, document);
            File.WriteAllText(over, document + " ");

            var diagnostics = new DiagnosticBag();
            Assert.Equal(Limit - 9, DocumentReader.ReadFile(atLimit, "definition 'at.json'", diagnostics, Limit)!.Value.GetProperty("a").GetString()!.Length);
            Assert.Empty(diagnostics.Items);

            Assert.Null(DocumentReader.ReadFile(over, "definition 'over.json'", diagnostics, Limit));
            var error = Assert.Single(diagnostics.Items);
            Assert.True(diagnostics.HasErrors);
            Assert.Equal("definition 'over.json'", error.Location);
            Assert.Equal($"'{over}' is larger than the limit of 1 KB for a config or definition file.", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(4096, "4 KB")]
    [InlineData(DocumentReader.MaxFileBytes, "64 MB")]
    public void ReadFile_DeviceReportingNoLength_StopsAtTheLimit_WithAConfigError(int limit, string limitText)
    {
        // /dev/zero reports a length of 0 and never ends: only counting the bytes read stops it.
        var diagnostics = new DiagnosticBag();

        Assert.Null(DocumentReader.ReadFile("/dev/zero", "definition 'zero'", diagnostics, limit));

        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("definition 'zero'", error.Location);
        Assert.Equal($"'/dev/zero' is larger than the limit of {limitText} for a config or definition file.", error.Message);
    }

    [Fact]
    public void ReadFile_WithAByteOrderMark_DecodesAsBefore()
    {
        var path = Path.Combine(Path.GetTempPath(), "tollgate-bom-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(path, "{\"name\": \"caf\u00e9\"}", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
            var diagnostics = new DiagnosticBag();

            var document = DocumentReader.ReadFile(path, "file 'bom.json'", diagnostics);

            Assert.Empty(diagnostics.Items);
            Assert.Equal("caf\u00e9", document!.Value.GetProperty("name").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
