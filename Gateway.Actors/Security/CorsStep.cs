using Gateway.Actors.Chain;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// The route's CORS policy: answers preflights itself (never forwarded), adds the CORS headers to other answers, and
/// puts them back after the upstream's headers were copied (the upstream may send its own).
/// </summary>
internal sealed class CorsStep(CorsPolicy policy) : IRequestStep, IForwardHook
{
    private static readonly StepOutcome PreflightRefused = StepOutcome.Problem(StatusCodes.Status403Forbidden, "CORS preflight refused",
        "the origin, method or headers asked for are not allowed on this route");

    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        var http = context.Http;
        if (CorsPolicy.IsPreflight(http.Request))
            return new(policy.TryAnswerPreflight(http) ? StepOutcome.Answered(StatusCodes.Status204NoContent) : PreflightRefused);
        policy.ApplyToResponse(http);
        context.AddHook(this);
        return next(context);
    }

    void IForwardHook.OnResponseHeaders(HttpContext context) => policy.ApplyToResponse(context);
}
