using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Authorizers.SigV4TestSupport;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>Each way a SigV4 request can fail, with AWS's message and response type.</summary>
public sealed class SigV4FailureTests
{
    private const string VanillaAuth =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    private static SigV4Request Request(string? authorization, string date = "20150830T123600Z", string query = "")
    {
        var headers = new HeaderDictionary { ["Host"] = "example.amazonaws.com" };
        if (date.Length > 0)
        {
            headers["X-Amz-Date"] = date;
        }
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }
        return new SigV4Request { Method = "GET", RawPath = "/", RawQuery = query, Headers = headers };
    }

    private static Task<SigV4Result> Verify(SigV4Request request, DateTimeOffset? now = null, string? token = null) =>
        VectorVerifier(new FakeTimeProvider(now ?? VectorTime), token).VerifyAsync(request).AsTask();

    [Fact]
    public async Task VerifyAsync_NoCredentials_MissingAuthenticationToken()
    {
        var result = await Verify(Request(null, query: "a=1"));

        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, result.Failure!.ResponseType);
        Assert.Equal(403, result.Failure.StatusCode);
        Assert.Equal("Missing Authentication Token", result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_BearerTokenInAuthorization_ListsEveryMissingParameter()
    {
        var result = await Verify(Request("eyJhbGciOiJIUzI1NiJ9.e30.sig", date: ""));

        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, result.Failure!.ResponseType);
        Assert.Equal("IncompleteSignatureException", result.Failure.ErrorType);
        Assert.Equal(
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
            "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
            "'X-Amz-Date' or a 'Date' header. Authorization=eyJhbGciOiJIUzI1NiJ9.e30.sig",
            result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_TokenWithoutEqualSign_ReportsTheToken()
    {
        var result = await Verify(Request("Bearer sometoken"));

        Assert.Equal("'sometoken' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer sometoken'.", result.Failure!.Message);
    }

    [Fact]
    public async Task VerifyAsync_FiveMinutesAndOneSecondLate_SignatureExpired()
    {
        var now = VectorTime + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);

        var result = await Verify(Request(VanillaAuth), now);

        Assert.Equal(GatewayResponseType.EXPIRED_TOKEN, result.Failure!.ResponseType);
        Assert.Equal("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)", result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_ExactlyFiveMinutesLate_Succeeds()
    {
        var result = await Verify(Request(VanillaAuth), VectorTime + TimeSpan.FromMinutes(5));

        Assert.True(result.Succeeded, result.Failure?.Message);
    }

    [Fact]
    public async Task VerifyAsync_SignedInTheFuture_NotYetCurrent()
    {
        var result = await Verify(Request(VanillaAuth), VectorTime - TimeSpan.FromMinutes(6));

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal("Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)", result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_UnknownAccessKey_SecurityTokenInvalid()
    {
        var result = await Verify(Request(VanillaAuth.Replace("AKIDEXAMPLE", "AKIDUNKNOWN", StringComparison.Ordinal)));

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal(403, result.Failure.StatusCode);
        Assert.Equal("The security token included in the request is invalid.", result.Failure.Message);
        Assert.Equal("UnrecognizedClientException", result.Failure.ErrorType);
    }

    [Fact]
    public async Task VerifyAsync_TemporaryKeyWithoutToken_SecurityTokenInvalid()
    {
        var result = await Verify(Request(VanillaAuth), token: VectorToken);

        Assert.Equal("sigv4.session_token_missing", result.Failure!.Reason);
    }

    [Fact]
    public async Task VerifyAsync_TokenSentButNotSigned_SecurityTokenInvalid()
    {
        var request = Request(VanillaAuth);
        request.Headers["X-Amz-Security-Token"] = VectorToken;

        var result = await Verify(request, token: VectorToken);

        Assert.Equal("sigv4.session_token_unsigned", result.Failure!.Reason);
    }

    [Fact]
    public async Task VerifyAsync_WrongService_CredentialScopeMessage()
    {
        var result = await Verify(Request(VanillaAuth.Replace("/service/", "/lambda/", StringComparison.Ordinal)));

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal("Credential should be scoped to correct service: 'service'. ", result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_WrongRegion_CredentialScopeMessage()
    {
        var result = await Verify(Request(VanillaAuth.Replace("us-east-1", "eu-west-1", StringComparison.Ordinal)));

        Assert.Equal("Credential should be scoped to a valid region, not 'eu-west-1'. ", result.Failure!.Message);
    }

    [Fact]
    public async Task VerifyAsync_ScopeDateNotRequestDate_DateMismatchMessage()
    {
        var result = await Verify(Request(VanillaAuth.Replace("/20150830/", "/20150829/", StringComparison.Ordinal)));

        Assert.Equal(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'.",
            result.Failure!.Message);
    }

    [Fact]
    public async Task VerifyAsync_CredentialWithFourElements_Incomplete()
    {
        var result = await Verify(Request(VanillaAuth.Replace("/aws4_request", "", StringComparison.Ordinal)));

        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, result.Failure!.ResponseType);
        Assert.StartsWith("Credential must have exactly 5 slash-delimited elements", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_BadAmzDate_Incomplete()
    {
        var result = await Verify(Request(VanillaAuth, date: "2015-08-30T12:36:00Z"));

        Assert.StartsWith("Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'.", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_HostNotSigned_InvalidSignature()
    {
        var result = await Verify(Request(VanillaAuth.Replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date", StringComparison.Ordinal)));

        Assert.Equal("sigv4.host_unsigned", result.Failure!.Reason);
    }

    [Fact]
    public async Task VerifyAsync_WrongSignature_EchoesCanonicalRequestAndStringToSign()
    {
        var result = await Verify(Request(VanillaAuth.Replace("5fa00fa3", "5fa00fa4", StringComparison.Ordinal)));

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal("InvalidSignatureException", result.Failure.ErrorType);
        Assert.Equal(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
            "The Canonical String for this request should have been\n'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\n" +
            "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63'\n",
            result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_DateHeaderInsteadOfAmzDate_IsAccepted()
    {
        var request = Request(VanillaAuth.Replace("SignedHeaders=host;x-amz-date", "SignedHeaders=date;host", StringComparison.Ordinal), date: "");
        request.Headers["Date"] = "Sun, 30 Aug 2015 12:36:00 GMT";

        var result = await Verify(request);

        // The signature was made over x-amz-date, so it cannot match; what matters is that Date was read as the time.
        Assert.Equal("sigv4.signature_mismatch", result.Failure!.Reason);
        Assert.Contains("\ndate:Sun, 30 Aug 2015 12:36:00 GMT\n", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("\n20150830T123600Z\n", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PresignedWithoutSignature_ListsMissingParameter()
    {
        var result = await Verify(Request(null, date: "", query:
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host"));

        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, result.Failure!.ResponseType);
        Assert.Equal("AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.", result.Failure.Message);
    }

    [Fact]
    public async Task VerifyAsync_PresignedExpiresOverSevenDays_Refused()
    {
        var result = await Verify(Request(null, date: "", query:
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=604801&X-Amz-Signature=00"));

        Assert.Equal("sigv4.bad_expires", result.Failure!.Reason);
    }

    [Fact]
    public void GetSigningKey_SameScopeTwice_ReturnsCachedKey()
    {
        var store = Store(Principal("arn:aws:iam::123456789012:user/example", VectorKey, VectorSecret));
        Assert.True(store.TryGet(VectorKey, out var credential));

        var first = credential.GetSigningKey("20150830", "us-east-1", "service");
        var second = credential.GetSigningKey("20150830", "us-east-1", "service");
        var otherDay = credential.GetSigningKey("20150831", "us-east-1", "service");

        Assert.Same(first, second);
        Assert.NotEqual(first, otherDay);
    }
}
