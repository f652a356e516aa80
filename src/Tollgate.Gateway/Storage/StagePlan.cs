namespace Tollgate.Gateway.Storage;

/// <summary>A usage plan as seen from one stage: the plan and its slot in that stage's method chains.</summary>
internal sealed class StagePlan(CompiledPlan plan, int slot)
{
    public CompiledPlan Plan { get; } = plan;

    public int Slot { get; } = slot;
}
