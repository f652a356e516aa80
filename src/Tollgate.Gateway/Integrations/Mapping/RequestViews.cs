using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// Read-only views of a request's parameters as string dictionaries, for <c>$input.params()</c>:
/// nothing is copied unless a template enumerates them. A repeated query parameter or header
/// gives its last value, as API Gateway's single-value maps do. Header names match without
/// regard to case (HTTP/2 clients send them lower-cased).
/// </summary>
internal abstract class RequestView : IReadOnlyDictionary<string, string>
{
    public abstract int Count { get; }

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var (key, _) in this)
            {
                yield return key;
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            foreach (var (_, value) in this)
            {
                yield return value;
            }
        }
    }

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public abstract bool TryGetValue(string key, [MaybeNullWhen(false)] out string value);

    public abstract IEnumerator<KeyValuePair<string, string>> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static RequestView Path(RequestContext context) => new PathView(context);

    public static RequestView Query(IQueryCollection query) => new QueryView(query);

    public static RequestView Headers(IHeaderDictionary headers) => new HeaderView(headers);

    private sealed class PathView(RequestContext context) : RequestView
    {
        private string[] Names => context.Method?.PathParameterNames ?? [];

        public override int Count => Names.Length;

        public override bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            value = context.GetPathParameter(key);
            return value is not null;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var name in Names)
            {
                yield return new(name, context.GetPathParameter(name) ?? "");
            }
        }
    }

    private sealed class QueryView(IQueryCollection query) : RequestView
    {
        public override int Count => query.Count;

        public override bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            if (query.TryGetValue(key, out var values) && values.Count > 0)
            {
                value = values[^1] ?? "";
                return true;
            }
            value = null;
            return false;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var (name, values) in query)
            {
                yield return new(name, values.Count > 0 ? values[^1] ?? "" : "");
            }
        }
    }

    private sealed class HeaderView(IHeaderDictionary headers) : RequestView
    {
        public override int Count => headers.Count;

        public override bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            if (headers.TryGetValue(key, out var values) && values.Count > 0)
            {
                value = values[^1] ?? "";
                return true;
            }
            value = null;
            return false;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var (name, values) in headers)
            {
                yield return new(name, values.Count > 0 ? values[^1] ?? "" : "");
            }
        }
    }
}
