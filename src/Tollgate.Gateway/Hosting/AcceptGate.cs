using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Hosting;

/// <summary>
/// Holds client connections to a maximum the way HAProxy's <c>maxconn</c> does: at the limit the
/// gateway stops accepting, so further connections wait in the kernel's listen backlog (and
/// beyond it their SYNs go unanswered and are retried) until a connection closes. Kestrel's own
/// <c>MaxConcurrentConnections</c> accepts every connection and then closes the surplus, which
/// under a flood still takes a descriptor per connection faster than they are given back, and
/// a process out of descriptors fails in places it cannot recover from. One pool of slots is
/// shared by every listener; a connection gives its slot back when Kestrel disposes it.
/// </summary>
internal sealed class AcceptGate : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _transport;
    private readonly SemaphoreSlim _slots;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Diagnostics.OccasionalReport _full = new(TimeSpan.FromSeconds(10));

    public AcceptGate(SocketTransportFactory transport, int maxConnections, ILogger logger, TimeProvider time)
    {
        _transport = transport;
        MaxConnections = maxConnections;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        _logger = logger;
        _time = time;
    }

    public int MaxConnections { get; }

    /// <summary>Client connections open now (for tests and diagnostics).</summary>
    public int Open => MaxConnections - _slots.CurrentCount;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await _transport.BindAsync(endpoint, cancellationToken), this);

    public bool CanBind(EndPoint endpoint) => _transport.CanBind(endpoint);

    private async ValueTask TakeSlotAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return;
        }
        ReportFull();
        await _slots.WaitAsync(cancellationToken);
    }

    private void ReportFull()
    {
        _full.Add();
        if (_full.TakeIfDue(_time) > 0)
        {
            _logger.LogWarning("At the limit of {Max} client connections (server.maxConnections): new connections wait in the listen backlog until one closes.", MaxConnections);
        }
    }

    private void ReleaseSlot() => _slots.Release();

    private sealed class Listener(IConnectionListener inner, AcceptGate gate) : IConnectionListener
    {
        // Kestrel's accept loop passes no token: unbinding is what ends a wait for a slot.
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
                await gate.TakeSlotAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            ConnectionContext? connection;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken);
            }
            catch
            {
                gate.ReleaseSlot();
                throw;
            }
            if (connection is null)
            {
                gate.ReleaseSlot();
                return null;
            }
            return new Counted(connection, gate);
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await _unbound.CancelAsync();
            await inner.UnbindAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _unbound.CancelAsync();
            await inner.DisposeAsync();
            _unbound.Dispose();
        }
    }

    /// <summary>The transport's connection, giving its slot back once disposed.</summary>
    private sealed class Counted(ConnectionContext inner, AcceptGate gate) : ConnectionContext
    {
        private int _released;

        public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

        public override IFeatureCollection Features => inner.Features;

        public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

        public override System.IO.Pipelines.IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }

        public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

        public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

        public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

        public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

        public override void Abort() => inner.Abort();

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync();
            }
            finally
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    gate.ReleaseSlot();
                }
            }
        }
    }
}
