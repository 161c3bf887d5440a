using Gateway.Actors.Caching;
using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Caching;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Security;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Actors.Chain;

/// <summary>The compiled step chain: order, early exit, and a route paying only for the policies it has.</summary>
public sealed class RequestChainTests
{
    [Fact]
    public async Task Compose_RunsStepsInOrder_AndAStepThatAnswersEndsTheChain()
    {
        var trail = new List<string>();
        var chain = RequestChain.Compose([new Recording("a", trail, null), new Recording("b", trail, StepOutcome.Answered(204)), new Recording("c", trail, null)]);
        var context = new RequestContext();
        context.Init(new DefaultHttpContext(), "/", "/", "id", 0);

        var outcome = await chain(context);

        Assert.Equal(["a", "b"], trail);
        Assert.Equal(StepOutcome.Answered(204), outcome);
    }

    [Fact]
    public void CompiledRoute_WithoutPolicies_HasOnlyTheForwardStep()
    {
        var route = Compile(new RouteDefinition { Id = "plain", Path = "/{**rest}", Upstream = "u" });
        Assert.IsType<ForwardStep>(Assert.Single(route.Steps));
    }

    [Fact]
    public void CompiledRoute_WithPolicies_RunsSecurityThenLimitThenCacheThenForward()
    {
        var definition = new RouteDefinition
        {
            Id = "full", Path = "/{**rest}", Upstream = "u",
            Cors = new CorsDefinition { AllowedOrigins = ["https://app.example"] },
            RateLimit = new RateLimitDefinition { Limit = 100, Period = TimeSpan.FromSeconds(1) },
            Cache = new CacheDefinition(),
        };
        using var cache = new ResponseCache(CacheSettings.FromConfig(Gateway.Actors.GatewayDefaults.Config), TimeProvider.System);
        using var limiter = new RouteRateLimiter("full", definition.RateLimit, ClientAddressResolver.FromConfig(Gateway.Actors.GatewayDefaults.Config));
        var security = new Gateway.Actors.Security.NodeSecurity(Gateway.Actors.Security.SecuritySettings.FromConfig(Gateway.Actors.GatewayDefaults.Config),
            ClientAddressResolver.FromConfig(Gateway.Actors.GatewayDefaults.Config), NullLoggerFactory.Instance);

        var route = Compile(definition, limiter, security.Compile(definition), cache);

        Assert.Equal(["CorsStep", "RateLimitStep", "CacheStep", "ForwardStep"], route.Steps.Select(s => s.GetType().Name));
    }

    private static CompiledRoute Compile(RouteDefinition definition, IRouteRateLimiter? limiter = null,
        Gateway.Actors.Security.RouteSecurity? security = null, ResponseCache? cache = null)
    {
        var upstream = new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:1" }] };
        var runtime = new UpstreamRuntime(upstream, UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config), new HttpMessageInvoker(new SocketsHttpHandler()));
        var services = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider();
        using var failures = new UpstreamFailureLog(NullLogger<UpstreamFailureLog>.Instance, TimeSpan.FromSeconds(10));
        var forwarding = new ForwardingServices(services.GetRequiredService<IHttpForwarder>(), NullLogger<ForwardStep>.Instance, failures);
        return new CompiledRoute(definition, PathTemplate.Parse(definition.Path), runtime, limiter, security, forwarding, cache);
    }

    private sealed class Recording(string name, List<string> trail, StepOutcome? answer) : IRequestStep
    {
        public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
        {
            trail.Add(name);
            return answer is { } outcome ? new(outcome) : next(context);
        }
    }
}
