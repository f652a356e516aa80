using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Forwarding.Http1;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Forwarding;

/// <summary>
/// The gateway's HTTP/1.1 client against a scripted backend that writes exactly the bytes each
/// test gives it. Time is a fake clock; waits are on signals, with a timeout only as a safety net.
/// </summary>
public sealed class Http1ClientTests : IAsyncLifetime
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ScriptedBackend _backend = new();
    private readonly FakeTimeProvider _time = new();
    private readonly Http1Pool _pool;

    public Http1ClientTests() => _pool = new Http1Pool(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _pool.Dispose();
        await _backend.DisposeAsync();
        Assert.Empty(_backend.Faults);
    }

    // ---- Request head ----

    [Fact]
    public async Task Get_WritesMethodPathQueryHostAndHeadersInOrder()
    {
        _backend.Reply(Ok);
        var request = new UpstreamRequest("GET", _backend.Url("/a/b%20c?x=1&y=%2F"));
        request.Add("Accept", "*/*");
        request.Add("X-One", "1");
        request.Add("x-two", "two, 2");
        request.Add("X-One", "3");

        await FetchAsync(request);

        var received = Assert.Single(_backend.Requests);
        Assert.Equal(
            $"GET /a/b%20c?x=1&y=%2F HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\nAccept: */*\r\nX-One: 1\r\nx-two: two, 2\r\nX-One: 3\r\n\r\n",
            received.Raw);
    }

    [Theory]
    [InlineData("http://example.com/", "example.com")]
    [InlineData("http://example.com:8080/", "example.com:8080")]
    [InlineData("http://[::1]:8080/", "[::1]:8080")]
    [InlineData("http://[::1]/", "[::1]")]
    public void Endpoint_HostHeader_HasThePortOnlyWhenNotTheDefault(string target, string host)
    {
        var endpoint = new Http1Pool.Endpoint(new Uri(target));

        Assert.Equal(host, endpoint.HostHeader);
        Assert.Equal("Host: " + host + "\r\n", Encoding.ASCII.GetString(endpoint.HostLine));
    }

    [Fact]
    public async Task Post_SizedBody_SendsContentLengthAndTheBody()
    {
        _backend.Reply(Ok);
        var request = new UpstreamRequest("POST", _backend.Url("/upload"))
        {
            Body = new MemoryStream("hello world"u8.ToArray()),
            ContentLength = 11,
        };
        request.Add("Content-Type", "text/plain");

        await FetchAsync(request);

        Assert.Equal(
            $"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
            Assert.Single(_backend.Requests).Raw);
    }

    [Fact]
    public async Task Post_UnsizedBody_IsSentChunked_OneChunkPerRead()
    {
        _backend.Reply(Ok);
        var large = new string('a', 300);
        var request = new UpstreamRequest("POST", _backend.Url("/stream"))
        {
            Body = new PiecesStream(Now("hello"), Now(large), Now("!")),
        };

        await FetchAsync(request);

        var received = Assert.Single(_backend.Requests);
        Assert.Equal($"POST /stream HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\nTransfer-Encoding: chunked\r\n\r\n", received.Head);
        Assert.Equal("5\r\nhello\r\n12c\r\n" + large + "\r\n1\r\n!\r\n0\r\n\r\n", received.Body);
    }

    [Fact]
    public async Task LargeHead_AndNonAsciiValues_AreWrittenWhole()
    {
        _backend.Reply(Ok);
        var large = new string('v', 20_000);
        var request = Get();
        request.Add("X-Large", large);
        request.Add("X-Text", "caf\u00e9 \u2713");

        await FetchAsync(request);

        var utf8 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("caf\u00e9 \u2713"));
        Assert.Equal(
            $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\nX-Large: {large}\r\nX-Text: {utf8}\r\n\r\n",
            Assert.Single(_backend.Requests).Raw);
    }

    [Fact]
    public async Task Post_EmptyUnsizedBody_IsOnlyTheLastChunk()
    {
        _backend.Reply(Ok);
        var request = new UpstreamRequest("POST", _backend.Url("/")) { Body = new PiecesStream() };

        await FetchAsync(request);

        var received = Assert.Single(_backend.Requests);
        Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", received.Head, StringComparison.Ordinal);
        Assert.Equal("0\r\n\r\n", received.Body);
    }

    [Theory]
    [InlineData("POST", true)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    [InlineData("GET", false)]
    [InlineData("DELETE", false)]
    [InlineData("OPTIONS", false)]
    public async Task BodylessRequest_SaysContentLengthZero_OnlyForMethodsThatExpectABody(string method, bool contentLengthZero)
    {
        _backend.Reply(Ok);

        await FetchAsync(new UpstreamRequest(method, _backend.Url("/")));

        var expected = $"{method} / HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\n" + (contentLengthZero ? "Content-Length: 0\r\n" : "") + "\r\n";
        Assert.Equal(expected, Assert.Single(_backend.Requests).Raw);
    }

    [Fact]
    public async Task Upgrade_SendsConnectionAndUpgrade_AndThe101AnswerIsTheConnectionBothWays()
    {
        _backend.Reply(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nhello");
            var ping = await exchange.Connection.ReadExactlyAsync(4);
            await exchange.WriteAsync(ping == "ping" ? "pong" : "what?");
            exchange.Close();
        });
        var request = Get("/socket");
        request.Add("Sec-WebSocket-Key", "abc");
        request.Upgrade = "websocket";

        using (var response = await SendAsync(request))
        {
            Assert.Equal(101, response.StatusCode);
            Assert.Equal("websocket", response.Header("Upgrade"));
            var tunnel = response.Body;
            Assert.Equal("hello", await ReadExactlyAsync(tunnel, 5));
            await tunnel.WriteAsync("ping"u8.ToArray()).AsTask().WaitAsync(Patience);
            Assert.Equal("pong", await ReadExactlyAsync(tunnel, 4));
            Assert.Equal(0, await tunnel.ReadAsync(new byte[16]).AsTask().WaitAsync(Patience));
        }

        Assert.Equal(
            $"GET /socket HTTP/1.1\r\nHost: 127.0.0.1:{_backend.Port}\r\nSec-WebSocket-Key: abc\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            Assert.Single(_backend.Requests).Raw);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Fact]
    public async Task Upgrade_ConnectionResetByTheBackend_FailsTheTunnelWithAnIOException()
    {
        _backend.Reply(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            await exchange.Connection.ReadExactlyAsync(4);
            exchange.Connection.Reset();
        });
        var request = Get("/socket");
        request.Upgrade = "websocket";

        using var response = await SendAsync(request);
        var tunnel = response.Body;
        await tunnel.WriteAsync("ping"u8.ToArray()).AsTask().WaitAsync(Patience);

        // A stream fails with an IOException, as the upgraded stream of SocketsHttpHandler does:
        // that is what the forwarder's tunnel expects.
        await Assert.ThrowsAnyAsync<IOException>(() => tunnel.ReadAsync(new byte[16]).AsTask().WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<IOException>(() => tunnel.WriteAsync("more"u8.ToArray()).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task SwitchingProtocols_WhenNotAsked_IsRefused()
    {
        _backend.Reply("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

        await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));

        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Theory]
    [InlineData("X-Test", "a\r\nX-Injected: 1")]
    [InlineData("X-Test", "a\nb")]
    [InlineData("X-Test", "a\rb")]
    [InlineData("X-Test", "a\0b")]
    [InlineData("Bad Name", "v")]
    [InlineData("Bad:Name", "v")]
    [InlineData("", "v")]
    public async Task InvalidRequestHeader_IsRefusedBeforeAnythingIsSent(string name, string value)
    {
        var request = Get();
        request.Add("X-Fine", "1");
        request.Add(name, value);

        await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(request));

        await AssertClosedWithoutAByteAsync();
    }

    [Fact]
    public async Task UpgradeWithLineBreak_IsRefusedBeforeAnythingIsSent()
    {
        var request = Get();
        request.Upgrade = "websocket\r\nX-Injected: 1";

        await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(request));

        await AssertClosedWithoutAByteAsync();
    }

    // ---- Response framing ----

    [Fact]
    public async Task ContentLengthBody_IsRead_AndTheConnectionReused()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world");
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            Assert.Equal(200, response.StatusCode);
            Assert.Equal([H("Content-Type", "text/plain"), H("Content-Length", "11")], response.Headers);
            Assert.Equal("hello world", await ReadToEndAsync(response.Body));
        }
        Assert.Equal(1, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task ChunkedBody_WithExtensionsAndTrailers_IsDecoded_AndTheConnectionReused()
    {
        _backend.Reply(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "1 ; quoted=\"a;b\"\r\n \r\n"
            + "000A\r\nworld, big\r\n"
            + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            Assert.Equal("hello world, big", await ReadToEndAsync(response.Body));
            Assert.Null(response.Header("X-Checksum"));
        }
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task BodyUntilClose_IsReadToTheEnd_AndTheConnectionNotReused()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the very end", close: true);
        _backend.Reply(Ok);

        Assert.Equal("until the very end", await FetchAsync(Get()));
        Assert.Equal(0, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked, identity\r\n")]
    [InlineData("Transfer-Encoding: gzip\r\n")]
    [InlineData("Transfer-Encoding: chunked, chunked\r\n")]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: gzip, chunked\r\nContent-Length: 2\r\n")]
    public async Task TransferCodingOtherThanChunkedAlone_IsRefused_AndTheConnectionClosed(string fields)
    {
        // Decoding only the chunked part would hand the client a body still in gzip, unlabelled.
        _backend.Reply("HTTP/1.1 200 OK\r\n" + fields + "\r\n2\r\nok\r\n0\r\n\r\n");
        _backend.Reply(Ok);

        var e = await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));

        Assert.Contains("Transfer-Encoding", e.Message, StringComparison.Ordinal);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("Transfer-Encoding: Chunked\r\n")]
    [InlineData("Transfer-Encoding: , chunked,\r\n")]
    public async Task ChunkedAlone_InAnySpellingOfTheList_IsDecoded(string fields)
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nX-A: 1\r\n" + fields + "\r\n2\r\nok\r\n0\r\n\r\n");

        using var response = await SendAsync(Get());

        Assert.Equal("ok", await ReadToEndAsync(response.Body));
        Assert.Equal("1", response.Header("X-A"));
    }

    [Fact]
    public async Task TransferCodingOtherThanChunked_OnAnAnswerWithoutABody_IsAccepted()
    {
        // A HEAD answer only describes the body a GET would get; there is nothing to decode.
        _backend.Reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nX-A: 1\r\n\r\n");

        using var response = await SendAsync(new UpstreamRequest("HEAD", _backend.Url("/")));

        Assert.Equal([H("Transfer-Encoding", "gzip, chunked"), H("X-A", "1")], response.Headers);
        Assert.Equal("", await ReadToEndAsync(response.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")]
    public async Task Head_ReadsNoBody_AndTheConnectionIsReused(string answer)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        using (var response = await SendAsync(new UpstreamRequest("HEAD", _backend.Url("/"))))
        {
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("", await ReadToEndAsync(response.Body));
        }
        Assert.Equal(1, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", 204)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 204)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 5000\r\n\r\n", 304)]
    public async Task NoContentAnswers_HaveNoBody_AndTheConnectionIsReused(string answer, int status)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("", await ReadToEndAsync(response.Body));
        }
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task InformationalAnswers_AreSkipped_AndTheFinalAnswerReturned()
    {
        _backend.Reply(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            await exchange.ReadBodyAsync();
            await exchange.WriteAsync("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            await exchange.WriteAsync("HTTP/1.1 201 Created\r\nContent-Length: 4\r\nX-Final: yes\r\n\r\ndone");
        });
        _backend.Reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        var request = new UpstreamRequest("POST", _backend.Url("/")) { Body = new MemoryStream("data"u8.ToArray()), ContentLength = 4 };

        using (var response = await SendAsync(request))
        {
            Assert.Equal(201, response.StatusCode);
            Assert.Equal([H("Content-Length", "4"), H("X-Final", "yes")], response.Headers);
            Assert.Equal("done", await ReadToEndAsync(response.Body));
        }
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal("data", _backend.Requests[0].Body);
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task AnswerWrittenByteByByte_IsParsed()
    {
        var answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Long: " + new string('x', 200)
            + "\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        _backend.Reply(exchange => exchange.Connection.WriteInPiecesAsync(answer, 1));
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("text/plain", response.Header("Content-Type"));
            Assert.Equal(new string('x', 200), response.Header("X-Long"));
            Assert.Equal("hello world", await ReadToEndAsync(response.Body));
        }
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task InformationalAnswer_FollowedByAHeadLargerThanTheBuffer_IsParsed()
    {
        var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (var i = 0; i < 20; i++)
        {
            head.Append("X-Pad-").Append(i).Append(": ").Append('p', 1000).Append("\r\n");
        }
        _backend.Reply("HTTP/1.1 100 Continue\r\n\r\n" + head + "Content-Length: 2\r\n\r\nok");

        using var response = await SendAsync(Get());

        Assert.Equal(21, response.Headers.Count);
        Assert.Equal(new string('p', 1000), response.Header("X-Pad-19"));
        Assert.Equal("ok", await ReadToEndAsync(response.Body));
    }

    [Fact]
    public async Task LargeBodies_AcrossBufferBoundaries_AreReadExactly()
    {
        var random = new Random(7);
        var content = new StringBuilder();
        var chunked = new StringBuilder();
        for (var i = 0; content.Length < 200_000; i++)
        {
            var piece = new string((char)('a' + (i % 26)), random.Next(1, 9000));
            content.Append(piece);
            chunked.Append(piece.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n").Append(piece).Append("\r\n");
        }
        var body = content.ToString();
        _backend.Reply($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        _backend.Reply($"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}0\r\n\r\n");
        _backend.Reply(Ok);

        Assert.Equal(body, await FetchAsync(Get()));
        Assert.Equal(body, await FetchAsync(Get()));
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task HeadWithBareLineFeeds_IsParsed()
    {
        _backend.Reply("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nok");

        using var response = await SendAsync(Get());

        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Equal("ok", await ReadToEndAsync(response.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", "hello", " world", "")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n6\r\n wo", "rld\r\n", "0\r\n\r\n")]
    public async Task BodySplitAcrossWrites_IsReadAsItArrives(string head, string first, string second, string third)
    {
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Reply(async exchange =>
        {
            await exchange.WriteAsync(head + first);
            await more.Task;
            await exchange.WriteAsync(second);
            await exchange.WriteAsync(third);
        });
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            var buffer = new byte[64];
            var n = await response.Body.ReadAsync(buffer).AsTask().WaitAsync(Patience);
            // The rest is not written yet: this is all there is.
            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
            more.SetResult();
            Assert.Equal(" world", await ReadToEndAsync(response.Body));
        }
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    // ---- Reuse ----

    [Fact]
    public async Task SequentialRequests_ShareOneConnection()
    {
        for (var i = 0; i < 3; i++)
        {
            _backend.Reply($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{i}");
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await FetchAsync(Get($"/{i}")));
        }

        Assert.Equal(1, _backend.ConnectionCount);
        Assert.Equal(1, _pool.ConnectionsOpened);
        Assert.All(_backend.Requests, r => Assert.Equal(0, r.Connection));
        Assert.Equal(1, _pool.IdleCount);
    }

    [Fact]
    public async Task ConcurrentRequests_UseTwoConnections_TheLastReturnedIsReusedFirst()
    {
        _backend.Reply(Ok);
        _backend.Reply(Ok);
        _backend.Reply(Ok);

        var first = await SendAsync(Get("/first"));
        var second = await SendAsync(Get("/second"));
        Assert.Equal("ok", await ReadToEndAsync(second.Body));
        second.Dispose();
        Assert.Equal("ok", await ReadToEndAsync(first.Body));
        first.Dispose();
        Assert.Equal(2, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get("/third")));

        Assert.Equal(new[] { 0, 1, 0 }, _backend.Requests.Select(r => r.Connection));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok")]
    public async Task AnswerThatEndsTheConnection_IsNotReused(string answer)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(0, _pool.IdleCount);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.0 200 OK\r\nconnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok")]
    public async Task Http10_WithKeepAlive_IsReused(string answer)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(1, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 0)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 5)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 5)]
    public async Task BodyNotReadToTheEnd_TheConnectionIsNotReused(string answer, int read)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            if (read > 0)
            {
                Assert.Equal(read, await response.Body.ReadAtLeastAsync(new byte[read], read).AsTask().WaitAsync(Patience));
            }
        }
        Assert.Equal(0, _pool.IdleCount);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Fact]
    public async Task ExtraBytesAfterTheAnswer_TheConnectionIsNotReused()
    {
        _backend.Reply(Ok + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(0, _pool.IdleCount);
        Assert.Equal("fresh", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Fact]
    public async Task BytesArrivingOnAnIdleConnection_AreNeverReadAsTheNextAnswer()
    {
        // A backend that writes more than it framed, after the answer: the bytes reach the
        // connection while it waits in the pool, and must not answer the next request.
        var idle = new TaskCompletionSource();
        var staleWritten = new TaskCompletionSource();
        _backend.Reply(async exchange =>
        {
            await exchange.WriteAsync(Ok);
            await idle.Task;
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
            staleWritten.SetResult();
        });
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(1, _pool.IdleCount);
        idle.SetResult();
        await staleWritten.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(SpinWait.SpinUntil(() => _pool.IdleWithPendingInput == 1, TimeSpan.FromSeconds(10)));

        Assert.Equal("fresh", await FetchAsync(Get()));
        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    // Transfer-Encoding is not HTTP/1.0: its framing is not trusted beyond this answer.
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    public async Task ChunkedWithDoubtfulFraming_IsRead_AndTheConnectionIsNotReused(string answer)
    {
        _backend.Reply(answer);
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(0, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Theory]
    [InlineData("Content-Length: 100\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nX-A: 1\r\nContent-Length: 1\r\n")]
    [InlineData("Content-Length: 3\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nContent-Length: 3\r\n")]
    public async Task ChunkedWithContentLength_TheLengthIsNotKept_ForTheDechunkedBody(string fields)
    {
        _backend.Reply("HTTP/1.1 200 OK\r\n" + fields + "\r\n2\r\nok\r\n0\r\n\r\n");

        using var response = await SendAsync(Get());
        var client = new DefaultHttpContext().Response;
        HttpForwarder.CopyResponseHead(response, client);

        Assert.Null(response.Header("Content-Length"));
        Assert.Equal("chunked", response.Header("Transfer-Encoding"));
        Assert.Equal("1", response.Header("X-A"));
        Assert.Equal(2, response.Headers.Count);
        Assert.Equal(200, client.StatusCode);
        Assert.Equal(["X-A"], client.Headers.Keys);
        Assert.Null(client.ContentLength);
        Assert.Equal("ok", await ReadToEndAsync(response.Body));
        Assert.Equal(0, _pool.IdleCount);
    }

    [Theory]
    [InlineData("Content-Length: 2\r\nX-A: 1\r\nContent-Length: 2\r\n")]
    [InlineData("Content-Length: 2, 2\r\nX-A: 1\r\n")]
    [InlineData("Content-Length: 2,2 , 2\r\nX-A: 1\r\nContent-Length: 2\r\n")]
    [InlineData("content-length: 02\r\nX-A: 1\r\nContent-Length: 2, 2\r\n")]
    public async Task RepeatedEqualContentLengths_AreOneValue_GivenToTheClientOnce(string fields)
    {
        _backend.Reply("HTTP/1.1 200 OK\r\n" + fields + "\r\nok");
        _backend.Reply(Ok);

        using (var response = await SendAsync(Get()))
        {
            var client = new DefaultHttpContext().Response;
            HttpForwarder.CopyResponseHead(response, client);

            Assert.Equal(2, response.Headers.Count);
            Assert.Equal("1", response.Header("X-A"));
            Assert.Equal(2L, long.Parse(response.Header("Content-Length")!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2L, client.ContentLength);
            Assert.Single(client.Headers["Content-Length"]);
            Assert.Equal("ok", await ReadToEndAsync(response.Body));
        }
        Assert.Equal(1, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task FailedExchange_TheConnectionIsNotReused()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply(Ok);

        await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    // ---- Header lines repeated from one answer to the next ----

    [Fact]
    public async Task RepeatedHeaderLines_GiveTheSameStrings()
    {
        const string Answer = "HTTP/1.1 200 OK\r\nServer: scripted\r\nx-custom: value\r\nContent-Length: 2\r\n\r\nok";
        _backend.Reply(Answer);
        _backend.Reply(Answer);

        var first = await FetchHeadersAsync(Get());
        var second = await FetchHeadersAsync(Get());

        Assert.Equal([H("Server", "scripted"), H("x-custom", "value"), H("Content-Length", "2")], first);
        Assert.Equal(first, second);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Same(first[i].Key, second[i].Key);
            Assert.Same(first[i].Value, second[i].Value);
        }
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task SameHeaderAtTheSamePosition_WithANewValue_GivesTheNewValue()
    {
        string[] values = ["first", "firsT", "first", "secnd", "first", ""];
        foreach (var value in values)
        {
            _backend.Reply($"HTTP/1.1 200 OK\r\nServer: scripted\r\nX-Value: {value}\r\nContent-Length: 2\r\n\r\nok");
        }

        foreach (var value in values)
        {
            var headers = await FetchHeadersAsync(Get());
            Assert.Equal([H("Server", "scripted"), H("X-Value", value), H("Content-Length", "2")], headers);
        }
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task DifferentNamesAtTheSamePosition_AreEachTheirOwn()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply("HTTP/1.1 200 OK\r\nX-B: 1\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nok");

        Assert.Equal([H("X-A", "1"), H("Content-Length", "2")], await FetchHeadersAsync(Get()));
        Assert.Equal([H("X-B", "1"), H("Content-Length", "2")], await FetchHeadersAsync(Get()));
        Assert.Equal([H("Content-Length", "2"), H("X-A", "1")], await FetchHeadersAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task ContentLengthChangingAtTheSamePosition_FramesEachBodyByItsOwnLength()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        _backend.Reply("HTTP/1.1 200 OK\r\nX-Length: 2\r\nContent-Length: 3\r\n\r\nbye");
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal("hello", await FetchAsync(Get()));
        Assert.Equal("bye", await FetchAsync(Get()));
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task ConnectionCloseAppearingAtACachedPosition_IsHonoured()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(new[] { 0, 0, 1 }, _backend.Requests.Select(r => r.Connection));
    }

    [Fact]
    public async Task KnownNames_GetTheirUsualSpelling_OthersStayAsSent()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nCONTENT-LENGTH: 2\r\nx-Mixed-CASE: v\r\n\r\nok");

        Assert.Equal([H("Content-Type", "text/plain"), H("Content-Length", "2"), H("x-Mixed-CASE", "v")], await FetchHeadersAsync(Get()));
    }

    [Fact]
    public async Task LinesPastTheCachedOnes_AndLongLines_AreReadAfresh()
    {
        string Answer(string value)
        {
            var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
            head.Append("X-Long: ").Append(value, 0, 1).Append('l', 600).Append("\r\n");
            for (var i = 1; i < 40; i++)
            {
                head.Append("X-Line-").Append(i).Append(": ").Append(i == 35 ? value : "same").Append("\r\n");
            }
            return head.Append("Content-Length: 2\r\n\r\nok").ToString();
        }
        _backend.Reply(Answer("one"));
        _backend.Reply(Answer("two"));

        var first = await FetchHeadersAsync(Get());
        var second = await FetchHeadersAsync(Get());

        Assert.Equal("one", first.Single(h => h.Key == "X-Line-35").Value);
        Assert.Equal("two", second.Single(h => h.Key == "X-Line-35").Value);
        Assert.Equal("o" + new string('l', 600), first[0].Value);
        Assert.Equal("t" + new string('l', 600), second[0].Value);
        Assert.Equal(41, second.Count);
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task HeaderValues_AreTrimmed_AndKeepTheirOwnBytes()
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nX-Spaces: \t a  b \t\r\nX-Empty:\r\nX-Latin: caf\u00e9\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(
            [H("X-Spaces", "a  b"), H("X-Empty", ""), H("X-Latin", "caf\u00e9"), H("Content-Length", "0")],
            await FetchHeadersAsync(Get()));
    }

    // ---- Errors ----

    [Fact]
    public async Task ConnectionRefused_NamesTheHostAndPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(new UpstreamRequest("GET", new Uri($"http://127.0.0.1:{port}/"))));

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendClosesWithoutAnswering_OnANewConnection_Throws()
    {
        _backend.Reply(async exchange =>
        {
            await exchange.ReadBodyAsync();
            exchange.Close();
        });

        var e = await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));

        Assert.True(e.NothingReceived);
        Assert.Equal(1, _backend.ConnectionCount);
        Assert.Single(_backend.Requests);
    }

    [Fact]
    public async Task IdleConnectionClosedByTheBackend_BodylessRequestIsSentAgainOnANewConnection()
    {
        var closeIdle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Reply(async exchange =>
        {
            await exchange.ReadBodyAsync();
            await exchange.WriteAsync(Ok);
            await closeIdle.Task;
            exchange.Close();
        });
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(1, _pool.IdleCount);
        closeIdle.SetResult();
        await Within((await Within(_backend.ConnectionAsync(0))).Closed);

        Assert.Equal("again", await FetchAsync(Get("/next")));

        Assert.Equal(2, _backend.ConnectionCount);
        Assert.Equal(1, _backend.Requests[^1].Connection);
        Assert.StartsWith("GET /next ", _backend.Requests[^1].Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleConnectionClosedByTheBackend_TheRetryIsMadeOnce()
    {
        var closeIdle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Reply(async exchange =>
        {
            await exchange.ReadBodyAsync();
            await exchange.WriteAsync(Ok);
            await closeIdle.Task;
            exchange.Close();
        });
        _backend.Reply(async exchange =>
        {
            await exchange.ReadBodyAsync();
            exchange.Close();
        });

        Assert.Equal("ok", await FetchAsync(Get()));
        closeIdle.SetResult();
        await Within((await Within(_backend.ConnectionAsync(0))).Closed);

        var e = await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get("/next")));

        Assert.True(e.NothingReceived);
        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Fact]
    public async Task EveryIdleConnectionClosedByTheBackend_TheRetryTakesANewConnection()
    {
        var closeIdle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 2; i++)
        {
            _backend.Reply(async exchange =>
            {
                await exchange.ReadBodyAsync();
                await exchange.WriteAsync(Ok);
                await closeIdle.Task;
                exchange.Close();
            });
        }
        _backend.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");

        // Two connections at once, both back in the pool, then the backend restarts.
        using (var first = await SendAsync(Get()))
        using (var second = await SendAsync(Get()))
        {
            Assert.Equal("ok", await ReadToEndAsync(first.Body));
            Assert.Equal("ok", await ReadToEndAsync(second.Body));
        }
        Assert.Equal(2, _pool.IdleCount);
        closeIdle.SetResult();
        await Within((await Within(_backend.ConnectionAsync(0))).Closed);
        await Within((await Within(_backend.ConnectionAsync(1))).Closed);

        Assert.Equal("again", await FetchAsync(Get("/next")));

        Assert.Equal(3, _backend.ConnectionCount);
    }

    [Theory]
    // Content-Length
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 3\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2,\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2, , 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2, -2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nok")]
    // Status line
    [InlineData("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.x 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("ICY 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("garbage\r\n\r\n")]
    // Header lines
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n\tb\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n Leading: space\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Bad: a\u007fb\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Bad: a\0b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Bad : v\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n: v\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNoColon\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX(Bad): v\r\nContent-Length: 0\r\n\r\n")]
    public async Task MalformedHead_IsRejected_AndTheConnectionClosed(string answer)
    {
        _backend.Reply(answer);

        await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));

        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Fact]
    public async Task HeadLargerThan64KB_IsRejected()
    {
        var pad = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (var i = 0; pad.Length <= Http1Connection.MaxHeadBytes; i++)
        {
            pad.Append("X-Pad-").Append(i).Append(": ").Append('a', 1000).Append("\r\n");
        }
        _backend.Reply(pad + "Content-Length: 0\r\n\r\n");

        var e = await Assert.ThrowsAsync<Http1Exception>(() => SendAsync(Get()));

        Assert.Contains("64 KB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadJustUnder64KB_IsAccepted()
    {
        var pad = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
        for (var i = 0; pad.Length < Http1Connection.MaxHeadBytes - 2100; i++)
        {
            pad.Append("X-Pad-").Append(i).Append(": ").Append('a', 1000).Append("\r\n");
        }
        _backend.Reply(pad + "\r\nok");

        using var response = await SendAsync(Get());

        Assert.Equal("2", response.Header("Content-Length"));
        Assert.Equal("ok", await ReadToEndAsync(response.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: cut")]
    public async Task BodyCutShortByClose_FailsWhileReadingIt(string answer)
    {
        _backend.Reply(answer, close: true);

        using var response = await SendAsync(Get());

        var e = await Record.ExceptionAsync(() => ReadToEndAsync(response.Body));
        Assert.True(e is HttpRequestException or IOException, $"expected a failed read, got {e?.GetType().Name ?? "none"}");
    }

    [Theory]
    [InlineData("zz\r\nok\r\n0\r\n\r\n")]
    [InlineData("\r\nok\r\n0\r\n\r\n")]
    [InlineData("-2\r\nok\r\n0\r\n\r\n")]
    [InlineData("FFFFFFFFFFFFFFFF\r\nok\r\n0\r\n\r\n")]
    [InlineData("2\r\nokX\r\n0\r\n\r\n")]
    [InlineData("+2\r\nok\r\n0\r\n\r\n")]
    [InlineData("0x2\r\nok\r\n0\r\n\r\n")]
    [InlineData("2 2\r\nok\r\n0\r\n\r\n")]
    [InlineData("2\tx\r\nok\r\n0\r\n\r\n")]
    public async Task MalformedChunks_FailWhileReadingTheBody(string chunks)
    {
        _backend.Reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);

        using (var response = await SendAsync(Get()))
        {
            await Assert.ThrowsAsync<Http1Exception>(() => ReadToEndAsync(response.Body));
        }
        Assert.Equal(0, _pool.IdleCount);
    }

    // ---- Idle and lifetime ----

    [Fact]
    public async Task IdleConnection_PastTheIdleTimeout_IsClosedAndNotReused()
    {
        _backend.Reply(Ok);
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        _time.Advance(Http1Pool.IdleTimeout + TimeSpan.FromSeconds(1));

        Assert.Equal(0, _pool.IdleCount);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Fact]
    public async Task IdleConnection_ExpiredBetweenSweeps_IsNotReused()
    {
        _backend.Reply(Ok);
        _backend.Reply(Ok);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("ok", await FetchAsync(Get()));
        // Sweeps at 30 s and 60 s find it idle for 20 s and 50 s; at 85 s it has been idle for 75 s
        // and the next sweep is not due before 90 s.
        _time.Advance(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, _pool.IdleCount);

        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(2, _backend.ConnectionCount);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
    }

    [Fact]
    public async Task IdleConnection_WithinTheIdleTimeout_IsReused()
    {
        _backend.Reply(Ok);
        _backend.Reply(Ok);

        Assert.Equal("ok", await FetchAsync(Get()));
        _time.Advance(Http1Pool.IdleTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal(1, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(1, _backend.ConnectionCount);
    }

    [Fact]
    public async Task Connection_PastItsLifetime_IsNotReused()
    {
        for (var i = 0; i < 8; i++)
        {
            _backend.Reply(Ok);
        }

        Assert.Equal("ok", await FetchAsync(Get()));
        var elapsed = TimeSpan.Zero;
        while (elapsed + TimeSpan.FromSeconds(59) < Http1Pool.Lifetime)
        {
            _time.Advance(TimeSpan.FromSeconds(59));
            elapsed += TimeSpan.FromSeconds(59);
            Assert.Equal("ok", await FetchAsync(Get()));
        }
        Assert.Equal(1, _backend.ConnectionCount);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("ok", await FetchAsync(Get()));

        Assert.Equal(2, _backend.ConnectionCount);
    }

    [Fact]
    public async Task DisposingThePool_ClosesIdleConnections()
    {
        _backend.Reply(Ok);
        Assert.Equal("ok", await FetchAsync(Get()));

        _pool.Dispose();

        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Fact]
    public async Task DisposedPool_RefusesNewRequests()
    {
        _pool.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => SendAsync(Get()));
    }

    // ---- Cancellation ----

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-")]
    public async Task CancelledWhileWaitingForTheHead_ThrowsAndClosesTheConnection(string partialHead)
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Reply(async exchange =>
        {
            await exchange.ReadBodyAsync();
            await exchange.WriteAsync(partialHead);
            waiting.SetResult();
            await exchange.Connection.WaitForClientCloseAsync();
        });
        using var cancel = new CancellationTokenSource();

        var sending = SendAsync(Get(), cancel.Token);
        await Within(waiting.Task);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Fact]
    public async Task CancelledBeforeSending_Throws()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync(Get(), cancel.Token));

        Assert.Equal(0, _pool.IdleCount);
        Assert.Empty(_backend.Requests);
    }

    // ---- Request body failures ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestBodyTooLarge_AtTheFirstRead_IsTheFailure(bool chunked)
    {
        _backend.Reply(exchange => exchange.Connection.WaitForClientCloseAsync());
        var request = new UpstreamRequest("POST", _backend.Url("/"))
        {
            Body = new LimitedReadStream(new MemoryStream(new byte[100]), 10),
            ContentLength = chunked ? null : 100,
        };

        var e = await Assert.ThrowsAsync<RequestBodyTooLargeException>(() => SendAsync(request));

        Assert.Equal(10, e.Limit);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestBodyTooLarge_AfterPartWasSent_BackendSilent_IsTheFailure(bool chunked)
    {
        var firstPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Reply(async exchange =>
        {
            await exchange.Connection.ReadUntilAsync("hello");
            firstPart.SetResult();
            await exchange.Connection.WaitForClientCloseAsync();
        });
        var more = new TaskCompletionSource();
        var request = new UpstreamRequest("POST", _backend.Url("/"))
        {
            Body = new LimitedReadStream(new PiecesStream(Now("hello"), After(more.Task, "world!")), 8),
            ContentLength = chunked ? null : 11,
        };

        var sending = SendAsync(request);
        await Within(firstPart.Task);
        more.SetResult();

        await Assert.ThrowsAsync<RequestBodyTooLargeException>(() => sending);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
        Assert.Equal(0, _pool.IdleCount);
    }

    [Fact]
    public async Task RequestBodyLongerThanItsContentLength_IsTheFailure_AndNotSent()
    {
        _backend.Reply(exchange => exchange.Connection.WaitForClientCloseAsync());
        var request = new UpstreamRequest("POST", _backend.Url("/"))
        {
            Body = new MemoryStream("too long"u8.ToArray()),
            ContentLength = 3,
        };

        var e = await Assert.ThrowsAsync<IOException>(() => SendAsync(request));

        Assert.Contains("longer", e.Message, StringComparison.Ordinal);
        var connection = await Within(_backend.ConnectionAsync(0));
        await Within(connection.ClientClosed);
        Assert.Equal(Assert.Single(_backend.Requests).Head.Length, connection.BytesReceived);
    }

    [Fact]
    public async Task RequestBodyShorterThanItsContentLength_IsTheFailure()
    {
        _backend.Reply(exchange => exchange.Connection.WaitForClientCloseAsync());
        var request = new UpstreamRequest("POST", _backend.Url("/"))
        {
            Body = new MemoryStream("short"u8.ToArray()),
            ContentLength = 10,
        };

        var e = await Assert.ThrowsAsync<IOException>(() => SendAsync(request));

        Assert.Contains("shorter", e.Message, StringComparison.Ordinal);
        await Within((await Within(_backend.ConnectionAsync(0))).ClientClosed);
    }

    [Fact]
    public async Task AnswerBeforeTheBodyWasSent_IsReturned_AndTheConnectionNotReused()
    {
        // Answered as soon as the head is in, without reading the body.
        _backend.Reply(exchange => exchange.WriteAsync("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\n\r\nbig"));
        _backend.Reply(Ok);
        var rest = new TaskCompletionSource();
        var request = new UpstreamRequest("POST", _backend.Url("/"))
        {
            Body = new PiecesStream(After(rest.Task, "never sent")),
        };

        using (var response = await SendAsync(request))
        {
            Assert.Equal(413, response.StatusCode);
            Assert.Equal("big", await ReadToEndAsync(response.Body));
        }
        rest.SetResult();

        Assert.Equal(0, _pool.IdleCount);
        Assert.Equal("ok", await FetchAsync(Get()));
        Assert.Equal(2, _backend.ConnectionCount);
    }

    // ---- Helpers ----

    private UpstreamRequest Get(string pathAndQuery = "/") => new("GET", _backend.Url(pathAndQuery));

    private Task<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken cancellationToken = default) =>
        _pool.SendAsync(request, cancellationToken).AsTask().WaitAsync(Patience);

    /// <summary>Sends, reads the whole body, gives the connection back.</summary>
    private async Task<string> FetchAsync(UpstreamRequest request)
    {
        using var response = await SendAsync(request);
        return await ReadToEndAsync(response.Body);
    }

    /// <summary>Sends, reads the whole body, gives the connection back; returns a copy of the headers.</summary>
    private async Task<List<KeyValuePair<string, string>>> FetchHeadersAsync(UpstreamRequest request)
    {
        using var response = await SendAsync(request);
        var headers = response.Headers.ToList();
        await ReadToEndAsync(response.Body);
        return headers;
    }

    private static async Task<string> ReadToEndAsync(Stream body)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy).WaitAsync(Patience);
        return Encoding.Latin1.GetString(copy.ToArray());
    }

    private static async Task<string> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Patience);
        return Encoding.Latin1.GetString(buffer);
    }

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static Task Within(Task task) => task.WaitAsync(Patience);

    private static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Patience);

    private async Task AssertClosedWithoutAByteAsync()
    {
        var connection = await Within(_backend.ConnectionAsync(0));
        await Within(connection.ClientClosed);
        Assert.Equal(0, connection.BytesReceived);
        Assert.Empty(_backend.Requests);
        Assert.Equal(0, _pool.IdleCount);
    }

    private static (Task Gate, byte[] Bytes) Now(string text) => (Task.CompletedTask, Encoding.ASCII.GetBytes(text));

    private static (Task Gate, byte[] Bytes) After(Task gate, string text) => (gate, Encoding.ASCII.GetBytes(text));

    /// <summary>A request body handing out one piece per read, each once its gate is open.</summary>
    private sealed class PiecesStream(params (Task Gate, byte[] Bytes)[] pieces) : Stream
    {
        private int _next;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_next == pieces.Length)
            {
                return 0;
            }
            var (gate, bytes) = pieces[_next++];
            await gate.WaitAsync(cancellationToken);
            bytes.CopyTo(buffer);
            return bytes.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
