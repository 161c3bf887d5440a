using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;

namespace Gateway.Actors.Caching;

/// <summary>The route's response cache on its chain: a thin adapter over the node's <see cref="ResponseCache"/>, which calls the rest of the chain on a miss.</summary>
internal sealed class CacheStep(ResponseCache cache, CompiledCache route, CompiledHeaderTransforms responseHeaders) : IRequestStep
{
    /// <summary>The route's compiled cache section.</summary>
    public CompiledCache Route => route;

    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next) => cache.HandleAsync(context, route, responseHeaders, next);
}
