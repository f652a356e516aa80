using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Routing;

/// <summary>
/// The routes of one API as a tree of path segments. Matching walks one branch per segment, so it
/// does not slow down as routes are added. Precedence follows API Gateway: a literal segment beats
/// a <c>{variable}</c>, which beats a greedy <c>{proxy+}</c>; a branch that matches the path but
/// has no method for the request (nor ANY) gives way to the next one.
/// <para>
/// HTTP APIs (<see cref="RouteTable(bool)"/> with <c>httpApi</c>) differ in two ways: a trailing
/// slash is part of the path (<c>/pets/</c> is not <c>/pets</c>; it is <c>/pets/{proxy+}</c> with an
/// empty proxy), and a <c>$default</c> route catches whatever nothing else matched.
/// </para>
/// </summary>
internal sealed class RouteTable : IRouteMatcher
{
    /// <summary>Paths deeper than this never match (API Gateway limits resource depth too).</summary>
    public const int MaxSegments = 64;

    private readonly Node _root = new();
    private readonly bool _httpApi;

    public RouteTable(bool httpApi = false) => _httpApi = httpApi;

    public int Count { get; private set; }

    /// <summary>HTTP APIs: the <c>$default</c> route, matched when no other route is.</summary>
    public CompiledMethod? DefaultRoute { get; set; }

    /// <summary>Adds a method under a path template such as <c>/pets/{petId}</c> or <c>/files/{path+}</c>.</summary>
    public void Add(string pathTemplate, CompiledMethod method)
    {
        var node = _root;
        var segments = pathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (IsGreedy(segment))
            {
                node.Greedy ??= new MethodSet();
                node.Greedy.Add(method);
                Count++;
                return;
            }
            if (IsVariable(segment))
            {
                node = node.Variable ??= new Node();
            }
            else
            {
                node.Literals ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                if (!node.Literals.TryGetValue(segment, out var child))
                {
                    child = new Node();
                    node.Literals.Add(segment, child);
                }
                node = child;
            }
        }
        node.Methods ??= new MethodSet();
        node.Methods.Add(method);
        Count++;
    }

    /// <summary>Finds the method for a path (relative to the stage, starting with <c>/</c>, percent-encoded as sent).</summary>
    /// <returns>The method, with its path parameter values (raw, as sent) in path order; null when nothing matches.</returns>
    public CompiledMethod? Match(string path, string httpMethod, out string[] parameterValues)
    {
        parameterValues = [];
        Span<Range> segments = stackalloc Range[MaxSegments];
        var count = Split(path, segments, _httpApi);
        if (count < 0)
        {
            return null;
        }
        Span<Range> captures = stackalloc Range[MaxSegments];
        var state = new MatchState(path, segments[..count], httpMethod);
        if (!Walk(_root, 0, captures, 0, ref state))
        {
            return IsAnyMethod(httpMethod) ? DefaultRoute : null;
        }
        var values = new string[state.CaptureCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = path[state.Captures[i]];
        }
        parameterValues = values;
        return state.Result;
    }

    private ref struct MatchState(string path, Span<Range> segments, string httpMethod)
    {
        public readonly string Path = path;
        public readonly Span<Range> Segments = segments;
        public readonly string HttpMethod = httpMethod;
        public CompiledMethod? Result;
        public Range[] Captures = [];
        public int CaptureCount;
    }

    private static bool Walk(Node node, int index, Span<Range> captures, int captureCount, ref MatchState state)
    {
        var segments = state.Segments;
        if (index == segments.Length)
        {
            if (node.Methods?.Find(state.HttpMethod) is { } found)
            {
                return Succeed(found, captures, captureCount, ref state);
            }
            return false;
        }
        var segment = state.Path.AsSpan(segments[index]);
        if (node.Literals is { } literals
            && literals.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var literal)
            && Walk(literal, index + 1, captures, captureCount, ref state))
        {
            return true;
        }
        if (node.Variable is { } variable && segment.Length > 0)
        {
            captures[captureCount] = segments[index];
            if (Walk(variable, index + 1, captures, captureCount + 1, ref state))
            {
                return true;
            }
        }
        if (node.Greedy?.Find(state.HttpMethod) is { } greedy)
        {
            captures[captureCount] = new Range(segments[index].Start, segments[^1].End);
            return Succeed(greedy, captures, captureCount + 1, ref state);
        }
        return false;
    }

    private static bool Succeed(CompiledMethod method, Span<Range> captures, int captureCount, ref MatchState state)
    {
        state.Result = method;
        state.Captures = captures[..captureCount].ToArray();
        state.CaptureCount = captureCount;
        return true;
    }

    /// <summary>
    /// Splits a path into segment ranges; -1 if too deep. A trailing slash is ignored (REST APIs) or
    /// makes an empty last segment (HTTP APIs), which only a greedy variable matches.
    /// </summary>
    private static int Split(string path, Span<Range> segments, bool keepTrailingSlash)
    {
        var count = 0;
        var start = path.Length > 0 && path[0] == '/' ? 1 : 0;
        var end = path.Length;
        if (!keepTrailingSlash && end > start && path[end - 1] == '/')
        {
            end--;
        }
        if (end <= start)
        {
            return 0;
        }
        var i = start;
        while (true)
        {
            var slash = path.IndexOf('/', i, end - i);
            var segmentEnd = slash < 0 ? end : slash;
            if (count == segments.Length)
            {
                return -1;
            }
            segments[count++] = new Range(i, segmentEnd);
            if (slash < 0)
            {
                return count;
            }
            i = slash + 1;
        }
    }

    internal static bool IsGreedy(string segment) =>
        segment.Length > 3 && segment[0] == '{' && segment[^1] == '}' && segment[^2] == '+';

    internal static bool IsVariable(string segment) =>
        segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';

    private sealed class Node
    {
        public Dictionary<string, Node>? Literals;
        public Node? Variable;
        public MethodSet? Methods;
        public MethodSet? Greedy;
    }

    /// <summary>The methods of one resource: a short list searched by method name, ANY last.</summary>
    private sealed class MethodSet
    {
        private (string Method, CompiledMethod Target)[] _methods = [];
        private CompiledMethod? _any;

        public void Add(CompiledMethod method)
        {
            if (method.Model.HttpMethod == "ANY")
            {
                _any = method;
                return;
            }
            _methods = [.. _methods, (method.Model.HttpMethod, method)];
        }

        public CompiledMethod? Find(string httpMethod)
        {
            foreach (var (name, target) in _methods)
            {
                if (string.Equals(name, httpMethod, StringComparison.OrdinalIgnoreCase))
                {
                    return target;
                }
            }
            return IsAnyMethod(httpMethod) ? _any : null;
        }
    }

    /// <summary>
    /// The methods <c>ANY</c> (and an HTTP API's <c>$default</c> route) stands for: the seven
    /// API Gateway serves. TRACE, CONNECT and made-up methods match only a method declared by
    /// that name, never a catch-all, so a TRACE (which echoes credentials back) or a CONNECT is
    /// not sent to a backend because a route said ANY.
    /// </summary>
    public static bool IsAnyMethod(string httpMethod) =>
        Is(httpMethod, "GET") || Is(httpMethod, "POST") || Is(httpMethod, "PUT") || Is(httpMethod, "DELETE")
        || Is(httpMethod, "PATCH") || Is(httpMethod, "HEAD") || Is(httpMethod, "OPTIONS");

    private static bool Is(string httpMethod, string name) => string.Equals(httpMethod, name, StringComparison.OrdinalIgnoreCase);
}
