using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Forwarding;

/// <summary>What may go upstream: which upgrades are tunnelled, which header fields can be written, which client bodies are malformed.</summary>
public sealed class UpstreamRequestTests
{
    [Theory]
    [InlineData("websocket", true)]
    [InlineData("WebSocket", true)]
    [InlineData("websocket/13", true)]
    [InlineData(" websocket ,websocket", true)]
    [InlineData("h2c", false)]
    [InlineData("websocket, h2c", false)]
    [InlineData("TLS/1.2", false)]
    [InlineData("", false)]
    [InlineData(" , ", false)]
    public void IsAllowedUpgrade_DefaultList_WebSocketOnly(string upgrade, bool allowed) =>
        Assert.Equal(allowed, HttpForwarder.IsAllowedUpgrade(new StringValues(upgrade), ServerSettings.DefaultUpgradeProtocols));

    [Fact]
    public void IsAllowedUpgrade_ConfiguredList_CaseInsensitive()
    {
        ImmutableArray<string> allowed = ["X-Custom"];

        Assert.True(HttpForwarder.IsAllowedUpgrade(new StringValues("x-custom"), allowed));
        Assert.False(HttpForwarder.IsAllowedUpgrade(new StringValues("websocket"), allowed));
        Assert.False(HttpForwarder.IsAllowedUpgrade(new StringValues("websocket"), []));
    }

    [Theory]
    [InlineData("x\r\nEvil: 1")]
    [InlineData("x\nEvil: 1")]
    [InlineData("x\rEvil")]
    [InlineData("x\0y")]
    public void Problem_ValueWithLineBreakOrNul_NamesTheField(string value)
    {
        var request = new UpstreamRequest("GET", new Uri("http://b/"));
        request.Add("X-Ok", "fine");
        request.Add("X-A", value);

        Assert.Equal("the request header 'X-A' has a line break or NUL in its value", request.Problem());
    }

    [Fact]
    public void Problem_NameNotAToken_Refused()
    {
        var request = new UpstreamRequest("GET", new Uri("http://b/"));
        request.Add("X A", "v");

        Assert.Equal("the request header name 'X A' is not a valid field name", request.Problem());
    }

    [Fact]
    public void Problem_PlainFields_None()
    {
        var request = new UpstreamRequest("GET", new Uri("http://b/")) { Upgrade = "websocket" };
        request.Add("X-A", "a b\tc ü");

        Assert.Null(request.Problem());
    }

    [Fact]
    public async Task LimitedReadStream_OverflowingChunkSize_BadRequest()
    {
        // What Kestrel throws for a chunk size that overflows: a plain IOException, not a BadHttpRequestException.
        var stream = new LimitedReadStream(new FailingStream(new IOException("Bad chunk size data.", new OverflowException())), 100);

        var e = await Assert.ThrowsAsync<BadHttpRequestException>(() => stream.ReadAsync(new byte[8]).AsTask());
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("Bad chunk size data.", e.Message);
    }

    [Fact]
    public async Task LimitedReadStream_OtherFailure_Unchanged()
    {
        var failure = new IOException("reset");
        var stream = new LimitedReadStream(new FailingStream(failure), 100);

        Assert.Same(failure, await Assert.ThrowsAsync<IOException>(() => stream.ReadAsync(new byte[8]).AsTask()));
    }

    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);
        public override int Read(byte[] buffer, int offset, int count) => throw failure;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
