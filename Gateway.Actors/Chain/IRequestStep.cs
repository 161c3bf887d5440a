namespace Gateway.Actors.Chain;

/// <summary>
/// One step of a route's compiled request chain (address rules, CORS, auth, rate limit, cache, forward). A step either
/// ends the request by returning an outcome, or calls <paramref name="next"/> and returns what it returns.
/// </summary>
/// <remarks>A step knows neither the chain nor the other steps: it sees only the request and the rest of the chain as a delegate.</remarks>
public interface IRequestStep
{
    /// <summary>Runs the step for <paramref name="context"/>; <paramref name="next"/> runs the rest of the chain.</summary>
    ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next);
}

/// <summary>The rest of a compiled chain from one step on.</summary>
public delegate ValueTask<StepOutcome> StepDelegate(RequestContext context);
