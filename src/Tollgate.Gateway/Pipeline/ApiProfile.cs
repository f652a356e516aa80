using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// What a REST API (v1) and an HTTP API (v2) do differently, decided once per protocol and
/// reached through the compiled API (DESIGN.md, principle 5): the serving code reads these
/// fields instead of testing the protocol. A difference that is only about what a config may
/// say (which fields an import accepts, which a validator checks) stays with the importer and
/// the validator; everything a request can observe is here.
/// </summary>
internal sealed class ApiProfile
{
    private static readonly GatewayError HttpApiNotFound = GatewayError.Of(GatewayResponseType.RESOURCE_NOT_FOUND, "Not Found", 404);

    /// <summary>REST APIs (v1).</summary>
    public static readonly ApiProfile Rest = new()
    {
        Protocol = ApiProtocol.Rest,
        UnknownRoute = GatewayError.Of(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN),
        DefaultPayloadFormatVersion = "1.0",
        MergesSlashes = true,
        CustomGatewayResponses = true,
        LambdaProxyOnlyPost = true,
        LambdaProxyFiltersHeaders = true,
    };

    /// <summary>HTTP APIs (v2).</summary>
    public static readonly ApiProfile Http = new()
    {
        Protocol = ApiProtocol.Http,
        UnknownRoute = HttpApiNotFound,
        DefaultPayloadFormatVersion = "2.0",
        HasDefaultRoute = true,
        HasCors = true,
        ProxyEventDecodesPath = true,
        ProxyBodyBinaryUnlessText = true,
        HttpApiPayload10 = true,
        HttpApiMappings = true,
        HttpApiLogVariables = true,
        HttpApiAuthorizers = true,
        RouteLabels = true,
    };

    private ApiProfile()
    {
    }

    public static ApiProfile For(ApiProtocol protocol) => protocol == ApiProtocol.Http ? Http : Rest;

    public ApiProtocol Protocol { get; private init; }

    /// <summary>
    /// A request that matches no route: REST answers 403 <c>MISSING_AUTHENTICATION_TOKEN</c>
    /// (<c>{"message":"Missing Authentication Token"}</c>), HTTP APIs 404 <c>{"message":"Not Found"}</c>.
    /// </summary>
    public required GatewayError UnknownRoute { get; init; }

    /// <summary>The Lambda proxy payload format when an integration names none: 1.0 for REST, 2.0 for HTTP APIs.</summary>
    public required string DefaultPayloadFormatVersion { get; init; }

    /// <summary>REST APIs read a run of slashes in the path as one (<c>//prod//pets</c> is <c>/prod/pets</c>).</summary>
    public bool MergesSlashes { get; private init; }

    /// <summary>
    /// Gateway responses can be customised (<c>x-amazon-apigateway-gateway-responses</c>) and carry
    /// <c>x-amzn-ErrorType</c> (REST); HTTP APIs always answer <c>{"message":"..."}</c> (<see cref="Responses.HttpApiErrors"/>).
    /// </summary>
    public bool CustomGatewayResponses { get; private init; }

    /// <summary>REST APIs: an <c>AWS_PROXY</c> integration whose httpMethod is not POST answers 500, as in AWS.</summary>
    public bool LambdaProxyOnlyPost { get; private init; }

    /// <summary>
    /// REST APIs pass a Lambda proxy response's headers through the integration-response rules
    /// (<c>HeaderRules</c>: some dropped, some remapped to <c>x-amzn-Remapped-*</c>) and add
    /// <c>X-Amzn-Trace-Id</c>; HTTP APIs drop only hop-by-hop headers and the length.
    /// </summary>
    public bool LambdaProxyFiltersHeaders { get; private init; }

    /// <summary>HTTP APIs: Lambda authorizers take payload 1.0 or 2.0 and identity sources as <c>$request.header.X</c>.</summary>
    public bool HttpApiAuthorizers { get; private init; }

    /// <summary>HTTP APIs label metrics by route (<c>GET /pets</c>), REST APIs by method and resource.</summary>
    public bool RouteLabels { get; private init; }

    /// <summary>HTTP APIs: a <c>$default</c> route catches what no other route matches.</summary>
    public bool HasDefaultRoute { get; private init; }

    /// <summary>HTTP APIs: the API-wide CORS configuration answers preflights and decorates every response.</summary>
    public bool HasCors { get; private init; }

    /// <summary>HTTP APIs report the proxy event's path percent-decoded; REST APIs as the client sent it.</summary>
    public bool ProxyEventDecodesPath { get; private init; }

    /// <summary>
    /// HTTP APIs treat a proxy request body as binary unless its type is text, and always decode a
    /// base64 response; REST APIs decide both by the API's binary media types.
    /// </summary>
    public bool ProxyBodyBinaryUnlessText { get; private init; }

    /// <summary>
    /// Payload 1.0 events as HTTP APIs write them: a <c>"version": "1.0"</c> field, decoded path
    /// parameters and no <c>deploymentId</c>; REST APIs write no version and the raw values.
    /// </summary>
    public bool HttpApiPayload10 { get; private init; }

    /// <summary>HTTP APIs map parameters in their own syntax (<c>overwrite:header.X</c>, ...).</summary>
    public bool HttpApiMappings { get; private init; }

    /// <summary>HTTP APIs' access-log formats: their own length limit and variables.</summary>
    public bool HttpApiLogVariables { get; private init; }

    /// <summary>
    /// Marks a response as this kind of API's, once, when routing finds the API (or, for a request
    /// no API takes, as REST's when the gateway answers it): REST responses carry
    /// <c>x-amzn-RequestId</c> and <c>x-amz-apigw-id</c>, HTTP APIs <c>apigw-requestid</c> instead.
    /// </summary>
    public void MarkResponse(RequestContext context)
    {
        var headers = context.Http.Response.Headers;
        if (Protocol == ApiProtocol.Http)
        {
            headers.Remove("x-amzn-RequestId");
            headers.Remove("x-amz-apigw-id");
            headers["apigw-requestid"] = context.RequestId;
            return;
        }
        headers["x-amzn-RequestId"] = context.RequestId;
        headers["x-amz-apigw-id"] = context.ExtendedRequestId;
    }
}
