namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// Typed slots in which a feature keeps its own data on a pipeline object (a compiled stage, a
/// request, the shared services) without the pipeline knowing the feature's types: the pipeline
/// stays below the features that plug into it (DESIGN.md, "contracts live with the lower layer").
/// Each type gets a process-wide index once; a read is one array index and a type check. Set
/// slots while the owner is being built (a stage at compile, the services at start) or from the
/// one thread that serves a request; reads may then come from any thread.
/// </summary>
internal sealed class FeatureSlots
{
    private static int _nextIndex;

    private volatile object?[] _items = [];

    /// <summary>The value of type <typeparamref name="T"/>; null when none was set.</summary>
    public T? Get<T>()
        where T : class
    {
        var index = Slot<T>.Index;
        var items = _items;
        return index < items.Length ? items[index] as T : null;
    }

    /// <summary>The value of type <typeparamref name="T"/>, made by <paramref name="create"/> the first time (once, whichever thread asks first).</summary>
    public T GetOrAdd<T, TState>(TState state, Func<TState, T> create)
        where T : class
    {
        if (Get<T>() is { } existing)
        {
            return existing;
        }
        lock (this)
        {
            if (Get<T>() is { } raced)
            {
                return raced;
            }
            var created = create(state);
            Set(created);
            return created;
        }
    }

    /// <summary>Sets (or, with null, clears) the value of type <typeparamref name="T"/>.</summary>
    public void Set<T>(T? value)
        where T : class
    {
        var index = Slot<T>.Index;
        if (index >= _items.Length)
        {
            if (value is null)
            {
                return;
            }
            var grown = new object?[Math.Max(index + 1, _items.Length * 2)];
            _items.CopyTo(grown, 0);
            _items = grown;
        }
        _items[index] = value;
    }

    private static class Slot<T>
    {
        public static readonly int Index = Interlocked.Increment(ref _nextIndex) - 1;
    }
}
