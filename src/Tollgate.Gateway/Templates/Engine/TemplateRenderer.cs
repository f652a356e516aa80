using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// The state of one render: variable slots (resolved from the scope on first use), the output,
/// an argument stack for method calls and the safety limits.
/// </summary>
internal sealed class TemplateRenderer
{
    /// <summary>API Gateway's quota for iterations of one <c>#foreach</c> loop.</summary>
    public const int MaxForeachIterations = 1000;

    /// <summary>Loop iterations of all loops of one render together (guards nested loops).</summary>
    public const int MaxTotalIterations = 1_000_000;

    /// <summary>Longest string or output a render may build (API Gateway's payload limit is 10 MB).</summary>
    public const int MaxStringLength = 10 * 1024 * 1024;

    private const int MaxDepth = 64;

    private readonly string[] _slotNames;
    private readonly TemplateValue[] _slots;
    private readonly bool[] _resolved;
    private readonly ITemplateScope _scope;
    private readonly List<StringBuilder> _scratch = [];
    private readonly StringBuilder _root;
    private long _outputCharged;
    private TemplateValue[] _args = new TemplateValue[8];
    private int _argTop;
    private int _iterations;
    private int _depth;

    public TemplateRenderer(string[] slotNames, ITemplateScope scope, StringBuilder output, bool nullAsEmpty)
    {
        _slotNames = slotNames;
        _slots = new TemplateValue[slotNames.Length];
        _resolved = new bool[slotNames.Length];
        _scope = scope;
        _root = output;
        _outputCharged = output.Length;
        Output = output;
        NullAsEmpty = nullAsEmpty;
    }

    public StringBuilder Output { get; private set; }

    public bool NullAsEmpty { get; }

    public RenderBudget Budget => _scope.Budget;

    public TemplateValue GetSlot(int slot)
    {
        if (!_resolved[slot])
        {
            _resolved[slot] = true;
            _slots[slot] = _scope.TryGetRoot(_slotNames[slot], out var value) ? value : TemplateValue.Null;
        }
        return _slots[slot];
    }

    public void SetSlot(int slot, TemplateValue value)
    {
        _slots[slot] = value;
        _resolved[slot] = true;
    }

    public (bool Resolved, TemplateValue Value) SaveSlot(int slot) => (_resolved[slot], _slots[slot]);

    public void RestoreSlot(int slot, (bool Resolved, TemplateValue Value) saved)
    {
        _resolved[slot] = saved.Resolved;
        _slots[slot] = saved.Value;
    }

    public void CountIteration()
    {
        if (++_iterations > MaxTotalIterations)
        {
            throw new TemplateRuntimeException($"The template ran more than {MaxTotalIterations} loop iterations.");
        }
    }

    /// <summary>
    /// After every statement: the builder being written stays within <see cref="MaxStringLength"/>,
    /// and what the output grew by is charged to the budget.
    /// </summary>
    public void CheckOutput()
    {
        var length = Output.Length;
        if (length > MaxStringLength)
        {
            throw new TemplateRuntimeException($"The template output is longer than {MaxStringLength} characters.");
        }
        if (ReferenceEquals(Output, _root) && length > _outputCharged)
        {
            Budget.ChargeText(length - _outputCharged);
            _outputCharged = length;
        }
    }

    public void CheckStringLength(long length)
    {
        if (length > MaxStringLength)
        {
            throw new TemplateRuntimeException($"A string in the template is longer than {MaxStringLength} characters.");
        }
    }

    /// <summary>Writes a reference's value, or its source text when null (nothing when quiet).</summary>
    public void WriteReference(ReferenceExpr reference, StringBuilder output)
    {
        var value = reference.Evaluate(this);
        switch (value.Kind)
        {
            case TemplateValueKind.String:
                output.Append(value.AsString);
                break;
            case TemplateValueKind.Null:
                if (!reference.Quiet && !NullAsEmpty)
                {
                    output.Append(reference.Source);
                }
                break;
            default:
                ValueFormatter.Write(output, value);
                break;
        }
    }

    /// <summary>One step of a reference from <paramref name="target"/>; null when it does not resolve.</summary>
    public TemplateValue Step(TemplateValue target, ReferenceSegment segment)
    {
        switch (segment.Kind)
        {
            case SegmentKind.Property:
                return Builtins.GetProperty(target, segment.Name);
            case SegmentKind.Index:
                return Builtins.GetIndex(target, segment.Args[0].Evaluate(this));
            default:
                var args = segment.Args;
                var start = _argTop;
                try
                {
                    for (var i = 0; i < args.Length; i++)
                    {
                        var value = args[i].Evaluate(this);
                        if (_argTop == _args.Length)
                        {
                            Array.Resize(ref _args, _args.Length * 2);
                        }
                        _args[_argTop++] = value;
                    }
                    return Builtins.Invoke(this, target, segment.Name, new ReadOnlySpan<TemplateValue>(_args, start, args.Length));
                }
                finally
                {
                    _argTop = start;
                }
        }
    }

    /// <summary><c>#set</c>: a variable, a map entry (<c>$m.k</c>, <c>$m['k']</c>) or a list element.</summary>
    public void Assign(ReferenceExpr target, TemplateValue value)
    {
        var segments = target.Segments;
        if (segments.Length == 0)
        {
            SetSlot(target.Slot, value);
            return;
        }
        var holder = target.EvaluatePrefix(this, segments.Length - 1);
        var last = segments[^1];
        if (last.Kind == SegmentKind.Property)
        {
            if (holder.Kind == TemplateValueKind.Map)
            {
                holder.AsMap.Put(last.Name, value);
            }
            return;
        }
        var key = last.Args[0].Evaluate(this);
        if (holder.Kind == TemplateValueKind.Map)
        {
            holder.AsMap.Put(key.ToString(), value);
        }
        else if (holder.Kind == TemplateValueKind.List && key.TryGetInt32(out var index))
        {
            var items = holder.AsList.Items;
            if (index < 0)
            {
                index += items.Count;
            }
            if (index < 0 || index >= items.Count)
            {
                throw new TemplateRuntimeException($"Index {index} is out of bounds for a list of {items.Count} elements.");
            }
            items[index] = value;
        }
    }

    /// <summary>Renders a block into another builder (used by <c>#define</c>).</summary>
    public void RenderInto(TemplateNode[] body, StringBuilder output)
    {
        if (++_depth > MaxDepth)
        {
            throw new TemplateRuntimeException("A #define block refers to itself too deeply.");
        }
        var saved = Output;
        Output = output;
        try
        {
            TemplateNode.RenderBlock(body, this);
        }
        finally
        {
            Output = saved;
            _depth--;
        }
    }

    /// <summary>Renders the parts of an interpolated string to a string.</summary>
    public string RenderToString(TemplateNode[] parts)
    {
        if (_depth >= MaxDepth)
        {
            throw new TemplateRuntimeException("Strings are nested too deeply.");
        }
        if (_scratch.Count <= _depth)
        {
            _scratch.Add(new StringBuilder());
        }
        var sb = _scratch[_depth].Clear();
        var saved = Output;
        Output = sb;
        _depth++;
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i].Render(this);
            }
            CheckStringLength(sb.Length);
            Budget.ChargeText(sb.Length);
            return sb.ToString();
        }
        finally
        {
            _depth--;
            Output = saved;
        }
    }
}
