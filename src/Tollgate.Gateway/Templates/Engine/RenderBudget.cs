namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// The memory one render may materialise, counted in bytes as it goes: the parsed input, every
/// JSONPath result it copies out of the document (the text of <c>$input.json</c>, the values
/// <c>$input.path</c> reads), the strings it builds and its output (UTF-16, two bytes a
/// character). What is counted is what the render allocates, not what is still alive, so a loop
/// that copies the body a thousand times is refused although each copy is garbage at once.
/// Beyond <see cref="Limit"/> the render stops with an error (API Gateway: 500).
/// </summary>
internal sealed class RenderBudget(long limit)
{
    /// <summary>
    /// 100 MiB: ten times API Gateway's 10 MB payload limit. A 10 MB body passed through
    /// <c>$input.json('$')</c> needs about six times its size (the parser's index, 12 bytes a
    /// token, is about twice typical JSON; the result text and the output are UTF-16); the rest
    /// leaves room for denser JSON (an array of small numbers has an index six times its size)
    /// and for a template that adds to the body. What needs more copies the body several
    /// times, such as <c>$input.json('$..*')</c> over a nested document.
    /// </summary>
    public const long DefaultLimit = 100L * 1024 * 1024;

    /// <summary>What a template value holding a JSON node costs beyond its text: the value, its slot, its share of a collection.</summary>
    public const int NodeBytes = 48;

    public long Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), limit, "The budget must be positive.");

    /// <summary>Bytes counted so far.</summary>
    public long Used { get; private set; }

    /// <summary>A budget that follows the default.</summary>
    public static RenderBudget Default() => new(DefaultLimit);

    /// <summary>Counts <paramref name="bytes"/>; throws <see cref="TemplateRuntimeException"/> once the total passes the limit.</summary>
    public void Charge(long bytes)
    {
        Used += bytes;
        if (Used > Limit)
        {
            throw new TemplateRuntimeException($"The template needs more than {Limit} bytes of memory (API Gateway's payload limit is 10 MB).");
        }
    }

    /// <summary>Counts a string of <paramref name="length"/> characters.</summary>
    public void ChargeText(long length) => Charge(length * sizeof(char));
}
