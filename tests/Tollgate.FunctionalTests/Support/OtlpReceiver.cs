using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.FunctionalTests.Support;

/// <summary>A span as an OTLP collector receives it (ids in lower-case hex; parent empty for a root).</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int StatusCode, string StatusMessage,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>A data point of a sum (counter) as an OTLP collector receives it.</summary>
public sealed record ReceivedPoint(string Metric, long Value, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP collector on loopback, port 0: <c>POST /v1/traces</c> and <c>/v1/metrics</c>
/// (http/protobuf) and the gRPC <c>TraceService/Export</c> and <c>MetricsService/Export</c> over
/// HTTP/2 without TLS. It decodes the protobuf itself (the wire format, by field number from
/// opentelemetry-proto) into <see cref="Spans"/>, <see cref="MetricNames"/> and <see cref="Points"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public ConcurrentDictionary<string, bool> MetricNames { get; } = new();

    public ConcurrentQueue<ReceivedPoint> Points { get; } = new();

    /// <summary>Requests received, by path.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public Uri BaseUri => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<OtlpReceiver> StartAsync(bool grpc)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0,
            o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        Paths.Enqueue(path);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var grpc = http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        if (grpc)
        {
            // gRPC framing: a compressed flag, a 4-byte big-endian length, the message.
            if (body.Length < 5 || body[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) != body.Length - 5)
            {
                http.Response.StatusCode = 400;
                return;
            }
            body = body[5..];
        }
        if (path.EndsWith("/v1/traces", StringComparison.Ordinal) || path.EndsWith("TraceService/Export", StringComparison.Ordinal))
        {
            ReadTraces(body);
        }
        else if (path.EndsWith("/v1/metrics", StringComparison.Ordinal) || path.EndsWith("MetricsService/Export", StringComparison.Ordinal))
        {
            ReadMetrics(body);
        }
        else
        {
            http.Response.StatusCode = 404;
            return;
        }
        if (grpc)
        {
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(new byte[5]);
            http.Response.AppendTrailer("grpc-status", "0");
        }
        else
        {
            http.Response.ContentType = "application/x-protobuf";
        }
    }

    private void ReadTraces(byte[] message)
    {
        foreach (var resourceSpans in Fields(message, 1))
        {
            var resource = new Dictionary<string, string>();
            foreach (var r in Fields(resourceSpans, 1))
            {
                foreach (var kv in Fields(r, 1))
                {
                    AddAttribute(resource, kv);
                }
            }
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    Spans.Enqueue(ReadSpan(span, resource));
                }
            }
        }
    }

    private static ReceivedSpan ReadSpan(byte[] span, Dictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        var attributes = new Dictionary<string, string>();
        foreach (var (field, wire, value, bytes) in Read(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(bytes!); break;
                case 2: spanId = Convert.ToHexStringLower(bytes!); break;
                case 4: parent = Convert.ToHexStringLower(bytes!); break;
                case 5: name = Encoding.UTF8.GetString(bytes!); break;
                case 6 when wire == 0: kind = (int)value; break;
                case 9: AddAttribute(attributes, bytes!); break;
                case 15:
                    foreach (var (f, w, v, b) in Read(bytes!))
                    {
                        if (f == 2) { statusMessage = Encoding.UTF8.GetString(b!); }
                        if (f == 3 && w == 0) { statusCode = (int)v; }
                    }
                    break;
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, kind, statusCode, statusMessage, attributes, resource);
    }

    private void ReadMetrics(byte[] message)
    {
        foreach (var resourceMetrics in Fields(message, 1))
        {
            foreach (var scopeMetrics in Fields(resourceMetrics, 2))
            {
                foreach (var metric in Fields(scopeMetrics, 2))
                {
                    var name = Fields(metric, 1).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "";
                    MetricNames[name] = true;
                    // Sum (field 7) of NumberDataPoints (field 1): attributes 7, as_int 6 (sfixed64).
                    foreach (var sum in Fields(metric, 7))
                    {
                        foreach (var point in Fields(sum, 1))
                        {
                            var attributes = new Dictionary<string, string>();
                            long number = 0;
                            foreach (var (f, w, v, b) in Read(point))
                            {
                                if (f == 7) { AddAttribute(attributes, b!); }
                                if (f == 6 && w == 1) { number = (long)v; }
                            }
                            Points.Enqueue(new ReceivedPoint(name, number, attributes));
                        }
                    }
                }
            }
        }
    }

    /// <summary>A KeyValue: key (1) and an AnyValue (2) of string (1), bool (2), int (3) or double (4).</summary>
    private static void AddAttribute(Dictionary<string, string> into, byte[] keyValue)
    {
        var key = Fields(keyValue, 1).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "";
        var text = "";
        foreach (var any in Fields(keyValue, 2))
        {
            foreach (var (f, w, v, b) in Read(any))
            {
                text = f switch
                {
                    1 => Encoding.UTF8.GetString(b!),
                    2 => v != 0 ? "true" : "false",
                    3 => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    4 => BitConverter.UInt64BitsToDouble(v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => text,
                };
            }
        }
        into[key] = text;
    }

    private static IEnumerable<byte[]> Fields(byte[] message, int number) =>
        Read(message).Where(f => f.Field == number && f.Bytes is not null).Select(f => f.Bytes!);

    /// <summary>The fields of a protobuf message: number, wire type, the varint or fixed value, or the bytes of a length-delimited field.</summary>
    private static List<(int Field, int Wire, ulong Value, byte[]? Bytes)> Read(byte[] message)
    {
        var fields = new List<(int, int, ulong, byte[]?)>();
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    fields.Add((field, wire, Varint(message, ref i), null));
                    break;
                case 1:
                    fields.Add((field, wire, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(i, 8)), null));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    fields.Add((field, wire, 0, message.AsSpan(i, length).ToArray()));
                    i += length;
                    break;
                case 5:
                    fields.Add((field, wire, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(i, 4)), null));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} at byte {i}");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[i++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new InvalidDataException("varint too long");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
