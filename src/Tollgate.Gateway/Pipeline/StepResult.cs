
namespace Tollgate.Gateway.Pipeline;

/// <summary>How a step of a phase table ended (DESIGN.md, principle 3).</summary>
internal enum StepOutcome : byte
{
    /// <summary>The request goes on to the next step.</summary>
    Continue,

    /// <summary>The request stops with a gateway response (<see cref="StepResult.Error"/>), rendered by the one renderer.</summary>
    Fail,

    /// <summary>The step wrote the response itself (a CORS preflight, later a cache hit); nothing after it runs.</summary>
    Handled,
}

/// <summary>
/// What a request-phase step or a method policy answers: Continue, Fail with a gateway error, or
/// Handled. A struct of two fields: answering allocates nothing. A <see cref="GatewayError"/>
/// converts to Fail, null to Continue, so a policy that only passes or refuses reads as it did.
/// </summary>
internal readonly struct StepResult
{
    private StepResult(StepOutcome outcome, GatewayError? error)
    {
        Outcome = outcome;
        Error = error;
    }

    public StepOutcome Outcome { get; }

    /// <summary>The gateway response of a <see cref="StepOutcome.Fail"/>; null otherwise.</summary>
    public GatewayError? Error { get; }

    public static StepResult Continue => default;

    public static StepResult Handled => new(StepOutcome.Handled, null);

    public static StepResult Fail(GatewayError error) => new(StepOutcome.Fail, error);

    public static implicit operator StepResult(GatewayError? error) =>
        error is null ? default : new StepResult(StepOutcome.Fail, error);

    public override string ToString() => Outcome == StepOutcome.Fail ? $"Fail({Error!.Type})" : Outcome.ToString();
}
