using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Upstreams;

namespace Tollgate.Gateway.Tests.Upstreams;

public sealed class TargetGroupTests : IDisposable
{
    private readonly OutboundClients _clients = new(new FakeTimeProvider(), 8);

    public void Dispose() => _clients.Dispose();

    [Theory]
    [InlineData("http://b:8080/v1/x?q=1", false)]
    [InlineData("https://b/v1/x", false)]
    [InlineData("https://b/v1/x", true)]
    public void SingleDestination_PicksTheComposedUri_WithTheClientForItsScheme(string text, bool insecure)
    {
        var target = UpstreamTarget.WithQuery(text);
        var picked = new SingleDestination(_clients, insecure).Pick(target);
        Assert.NotNull(picked);
        Assert.Same(target, picked.Value.Address);
        Assert.Same(_clients.For(target, insecure), picked.Value.Client);
    }

    [Fact]
    public void OutboundClients_ByScheme_AndCertificateChecking()
    {
        var http = UpstreamTarget.WithQuery("http://b/");
        var https = UpstreamTarget.WithQuery("https://b/");
        Assert.Same(_clients.For(http, false), _clients.For(http, true));
        Assert.NotSame(_clients.For(https, false), _clients.For(https, true));
        Assert.NotSame(_clients.For(http, false), _clients.For(https, false));
    }

    [Fact]
    public void TargetGroup_KeepsPathAndQuery_WithThePickedMembersAuthority()
    {
        var one = new RecordingClient();
        var two = new RecordingClient();
        var group = new TargetGroup([new(new Uri("http://10.0.0.1:8080"), one), new(new Uri("https://10.0.0.2"), two)], new FixedPicker(1));
        var picked = group.Pick(UpstreamTarget.WithQuery("http://logical/v1/a%2Fb?q=1"))!.Value;
        Assert.Equal("https://10.0.0.2/v1/a%2Fb?q=1", picked.Address.OriginalString);
        Assert.Same(two, picked.Client);
    }

    [Fact]
    public void TargetGroup_NoneAvailable_PicksNothing()
    {
        var group = new TargetGroup([new(new Uri("http://10.0.0.1"), new RecordingClient())], new FixedPicker(-1));
        Assert.Null(group.Pick(UpstreamTarget.WithQuery("http://logical/x")));
    }

    [Fact]
    public async Task Forwarder_SendsToTheDestinationThePickerGave()
    {
        var one = new RecordingClient();
        var two = new RecordingClient();
        var group = new TargetGroup([new(new Uri("http://10.0.0.1:8080"), one), new(new Uri("http://10.0.0.2:9090"), two)], new FixedPicker(1));
        using var forwarder = new HttpForwarder(new FakeTimeProvider(), NullLogger<HttpForwarder>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        var destination = group.Pick(UpstreamTarget.WithQuery("http://logical/items/7?x=1"))!.Value;

        var result = await forwarder.ForwardAsync(http, new ForwardRequest("GET", destination, null, TimeSpan.FromSeconds(29), 1024, ServerSettings.DefaultUpgradeProtocols, "203.0.113.9"));

        Assert.Equal(ForwarderError.None, result.Error);
        Assert.Equal(201, result.Status);
        Assert.Equal(201, http.Response.StatusCode);
        Assert.Null(one.Sent);
        var sent = Assert.IsType<UpstreamRequest>(two.Sent);
        Assert.Equal("http://10.0.0.2:9090/items/7?x=1", sent.Target.OriginalString);
        Assert.Contains(new KeyValuePair<string, string>("X-Forwarded-For", "203.0.113.9"), sent.Headers);
        Assert.Equal(0, forwarder.Backends.InFlight(sent.Target));
    }

    private sealed class FixedPicker(int index) : IDestinationPicker
    {
        public int Pick(ImmutableArray<Destination> members) => index;
    }

    private sealed class RecordingClient : IUpstreamClient
    {
        public UpstreamRequest? Sent { get; private set; }

        public ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, BackendLimiter.Backend? slot, CancellationToken cancellationToken)
        {
            Sent = request;
            var response = new CannedResponse();
            response.Hold(slot);
            return ValueTask.FromResult<UpstreamResponse>(response);
        }
    }

    private sealed class CannedResponse : UpstreamResponse
    {
        public override int StatusCode => 201;

        public override IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = [new("Content-Type", "text/plain")];

        public override Stream Body { get; } = new MemoryStream("created"u8.ToArray());

        protected override void Close()
        {
        }
    }
}
