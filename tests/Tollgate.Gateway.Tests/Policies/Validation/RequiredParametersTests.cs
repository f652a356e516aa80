using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tollgate.Gateway.Policies.Validation;

namespace Tollgate.Gateway.Tests.Policies.Validation;

public sealed class RequiredParametersTests
{
    private static RequiredParameters Compile(params (string Key, bool Required)[] parameters)
    {
        var required = RequiredParameters.Compile(parameters.Select(p => KeyValuePair.Create(p.Key, p.Required)), out var invalid);
        Assert.Empty(invalid);
        return required;
    }

    private static readonly Dictionary<string, string> NoPath = [];

    [Fact]
    public void FindMissing_AbsentQueryAndBlankHeader_ReturnsBothInAwsOrder()
    {
        var required = Compile(
            ("method.request.header.X-Request-Id", true),
            ("method.request.querystring.page", true),
            ("method.request.querystring.sort", false),
            ("method.request.path.petId", true));
        var headers = new HeaderDictionary { ["x-request-id"] = "  " };
        var query = new QueryCollection();

        var missing = required.FindMissing(new Dictionary<string, string> { ["petId"] = "7" }, query, headers);

        Assert.NotNull(missing);
        // AWS lists headers, then path, then query string.
        Assert.Equal(["X-Request-Id", "page"], missing);
        Assert.Equal("Missing required request parameters: [X-Request-Id, page]", RequiredParameters.FormatMessage(missing));
    }

    [Fact]
    public void FindMissing_OneOfEachLocation_HeadersThenPathThenQueryString()
    {
        var required = Compile(
            ("method.request.querystring.b", true),
            ("method.request.querystring.a", true),
            ("method.request.path.id", true),
            ("method.request.header.Z-Id", true),
            ("method.request.header.A-Id", true));

        var missing = required.FindMissing(NoPath, new QueryCollection(), new HeaderDictionary());

        Assert.Equal("Missing required request parameters: [A-Id, Z-Id, id, a, b]", RequiredParameters.FormatMessage(missing!));
    }

    [Fact]
    public void FindMissing_AllPresent_ReturnsNull()
    {
        var required = Compile(("method.request.header.Authorization", true), ("method.request.querystring.q", true));
        var headers = new HeaderDictionary { ["AUTHORIZATION"] = "Bearer x" };
        var query = new QueryCollection(new Dictionary<string, StringValues> { ["q"] = new(["", "cats"]) });

        Assert.Null(required.FindMissing(NoPath, query, headers));
    }

    [Fact]
    public void FindMissing_QueryNameDiffersInCase_IsMissing()
    {
        var required = Compile(("method.request.querystring.Page", true));
        var query = new QueryCollection(new Dictionary<string, StringValues>(StringComparer.Ordinal) { ["page"] = "1" });

        Assert.Equal(["Page"], required.FindMissing(NoPath, query, new HeaderDictionary()));
    }

    [Fact]
    public void Compile_MalformedKeys_AreReturnedAsInvalid()
    {
        var required = RequiredParameters.Compile(
            [KeyValuePair.Create("method.request.body.x", true), KeyValuePair.Create("querystring.q", true), KeyValuePair.Create("method.request.header.", true)],
            out var invalid);

        Assert.Equal(0, required.Count);
        Assert.Equal(["method.request.body.x", "querystring.q", "method.request.header."], invalid);
    }
}
