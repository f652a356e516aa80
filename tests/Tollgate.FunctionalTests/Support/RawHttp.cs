using System.Net.Sockets;
using System.Text;

namespace Tollgate.FunctionalTests.Support;

/// <summary>
/// Sends a request exactly as written over a plain socket and reads the whole answer: for the
/// inputs an HTTP client library would refuse or clean up (dot-segments, malformed chunks, odd
/// methods).
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 ", response, StringComparison.Ordinal);
        return (int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), response);
    }

    public static Task<(int Status, string Response)> GetAsync(int port, string target, string method = "GET") =>
        SendAsync(port, $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}
