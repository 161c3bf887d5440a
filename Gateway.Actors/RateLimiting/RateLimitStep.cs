using Gateway.Actors.Chain;

namespace Gateway.Actors.RateLimiting;

/// <summary>The route's rate limit: 429 with Retry-After once the key's budget is spent, else the rest of the chain.</summary>
internal sealed class RateLimitStep(IRouteRateLimiter limiter) : IRequestStep
{
    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        if (limiter.TryAdmit(context.Http) is not { } retryAfter) return next(context);
        var limit = limiter.Definition;
        return new(StepOutcome.RateLimited(
            $"route '{limiter.RouteId}' allows {limit.Limit} requests per {limit.Period.TotalSeconds:0.###}s per {limit.Key}; retry in {retryAfter}s",
            retryAfter));
    }
}
