using System.Text.Json;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;
using Tollgate.Gateway.Templates.JsonPath;

namespace Tollgate.Gateway.Tests.Templates;

public sealed class JsonPathTests
{
    // Stefan Goessner's example document from the JSONPath article.
    private const string Store = """
        { "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99 }
            ],
            "bicycle": { "color": "red", "price": 19.95 }
          },
          "expensive": 10
        }
        """;

    private static string Select(string path, string json = Store)
    {
        Assert.True(JsonValues.TryParse(json, out var root));
        var compiled = JsonPathExpression.Compile(path, out var error);
        Assert.True(compiled is not null, error);
        var results = new List<JsonElement>();
        compiled.Evaluate(root, results);
        return string.Join(" | ", results.Select(e => JsonValues.ToCompactString(e, RenderBudget.Default())));
    }

    [Theory]
    [InlineData("$.store.book[*].author", "\"Nigel Rees\" | \"Evelyn Waugh\" | \"Herman Melville\" | \"J. R. R. Tolkien\"")]
    [InlineData("$..author", "\"Nigel Rees\" | \"Evelyn Waugh\" | \"Herman Melville\" | \"J. R. R. Tolkien\"")]
    [InlineData("$.store.*", "[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn Waugh\",\"title\":\"Sword of Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman Melville\",\"title\":\"Moby Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. R. R. Tolkien\",\"title\":\"The Lord of the Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}] | {\"color\":\"red\",\"price\":19.95}")]
    [InlineData("$.store..price", "8.95 | 12.99 | 8.99 | 22.99 | 19.95")]
    [InlineData("$..book[2].title", "\"Moby Dick\"")]
    [InlineData("$..book[-1].title", "\"The Lord of the Rings\"")]
    [InlineData("$..book[-1:].title", "\"The Lord of the Rings\"")]
    [InlineData("$..book[0,1].title", "\"Sayings of the Century\" | \"Sword of Honour\"")]
    [InlineData("$..book[:2].title", "\"Sayings of the Century\" | \"Sword of Honour\"")]
    [InlineData("$..book[1:3].price", "12.99 | 8.99")]
    [InlineData("$..book[::2].price", "8.95 | 8.99")]
    [InlineData("$..book[?(@.isbn)].title", "\"Moby Dick\" | \"The Lord of the Rings\"")]
    [InlineData("$..book[?(@.price < 10)].title", "\"Sayings of the Century\" | \"Moby Dick\"")]
    [InlineData("$..book[?(@.price <= $.expensive)].price", "8.95 | 8.99")]
    [InlineData("$..book[?(@.category == 'fiction' && @.price > 20)].author", "\"J. R. R. Tolkien\"")]
    [InlineData("$..book[?(@.category == \"reference\" || @.price > 20)].price", "8.95 | 22.99")]
    [InlineData("$..book[?(!@.isbn)].price", "8.95 | 12.99")]
    [InlineData("$..book[?(@.author != 'Nigel Rees')].price", "12.99 | 8.99 | 22.99")]
    [InlineData("$['store']['bicycle'][\"color\"]", "\"red\"")]
    [InlineData("$.store['bicycle','book'].color", "\"red\"")]
    [InlineData("$.expensive", "10")]
    [InlineData("$.store.bicycle", "{\"color\":\"red\",\"price\":19.95}")]
    [InlineData("$.nothing", "")]
    [InlineData("$.store.book[10]", "")]
    [InlineData("store.bicycle.color", "\"red\"")]
    public void Evaluate_GoessnerStore_SelectsInDocumentOrder(string path, string expected) =>
        Assert.Equal(expected, Select(path));

    [Fact]
    public void Evaluate_AllDescendants_CountsEveryNode() =>
        Assert.Equal(28, Select("$..*").Split(" | ").Length);

    [Theory]
    [InlineData("$.a.b", true)]
    [InlineData("$['a'][0]", true)]
    [InlineData("$.a[*]", false)]
    [InlineData("$..a", false)]
    [InlineData("$.a[0,1]", false)]
    [InlineData("$.a[0:1]", false)]
    [InlineData("$.a[?(@.b)]", false)]
    public void Compile_Definiteness_FollowsJayway(string path, bool definite) =>
        Assert.Equal(definite, JsonPathExpression.Compile(path, out _)!.IsDefinite);

    [Theory]
    [InlineData("")]
    [InlineData("$.")]
    [InlineData("$[")]
    [InlineData("$['a'")]
    [InlineData("$[?(@.a <)]")]
    [InlineData("$[1:2:0]")]
    [InlineData("$x")]
    [InlineData("$[abc]")]
    public void Compile_InvalidPath_ReturnsError(string path)
    {
        Assert.Null(JsonPathExpression.Compile(path, out var error));
        Assert.StartsWith("Invalid JSONPath", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SamePath_ReturnsCachedInstance() =>
        Assert.Same(JsonPathExpression.Compile("$.cached.path", out _), JsonPathExpression.Compile("$.cached.path", out _));
}
