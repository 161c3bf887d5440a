using System.Collections.Immutable;
using System.Text.Json;
using Akka.Actor;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Protocol.Serialization;

public sealed class GatewaySerializerTests : IDisposable
{
    private readonly ActorSystem _system = NodeSerializationSystem.Create("serialization");

    internal static readonly RouteDefinition FullRoute = new()
    {
        Id = "users",
        Path = "/api/users/{id:int}/{**rest}",
        Upstream = "users",
        Hosts = ["api.example.com", "*.example.org"],
        Methods = ["GET", "PUT"],
        Order = -2,
        Rewrite = new RouteRewrite { Template = "/v2/{id}/{**rest}" },
        Timeout = TimeSpan.FromMilliseconds(1500),
        RequestHeaders = new HeaderTransforms
        {
            Add = ImmutableDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, [KeyValuePair.Create("X-Tenant", "a b"), KeyValuePair.Create("X-A", "1")]),
            Remove = ["Cookie"],
        },
        ResponseHeaders = new HeaderTransforms { Remove = ["Server"] },
        MaxRequestBodySize = 10 * 1024 * 1024,
        AllowEncodedSlashes = true,
        RateLimit = new RateLimitDefinition { Key = "header:X-Api-Key", Algorithm = "sliding-window", Limit = 100, Period = TimeSpan.FromMinutes(1), Burst = 20, Scope = "cluster" },
        Cache = new Gateway.Protocol.Caching.CacheDefinition
        {
            Key = ["host", "path", "header:Accept-Language"], DefaultTtl = TimeSpan.FromSeconds(30), MaxBodySize = 65536, AllowSetCookie = true, Cluster = false,
        },
        Auth = "partner-jwt",
        Cors = new Gateway.Protocol.Security.CorsDefinition
        {
            AllowedOrigins = ["https://app.example.com", "https://*.example.org"], AllowedMethods = ["GET"], AllowedHeaders = ["Authorization"],
            ExposedHeaders = ["X-Total"], AllowCredentials = true, MaxAge = TimeSpan.FromMinutes(10),
        },
        IpRules = new Gateway.Protocol.Security.IpRulesDefinition { Allow = ["10.0.0.0/8", "2001:db8::/32"], Deny = ["10.0.0.66"] },
        Version = 7,
    };

    internal static readonly UpstreamDefinition FullUpstream = new()
    {
        Name = "users",
        Endpoints = [new EndpointDefinition { Url = "http://10.0.0.5:8080", Weight = 3 }, new EndpointDefinition { Url = "https://10.0.0.6/base" }],
        LoadBalancing = LoadBalancingMode.PowerOfTwoChoices,
        MaxInFlight = 10,
        MaxQueued = 0,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromMinutes(1),
        CircuitBreaker = new CircuitBreakerDefinition
        {
            ConsecutiveFailures = 5, FailureRatio = 0.25, MinimumRequests = 20, Window = TimeSpan.FromSeconds(10),
            BaseEjection = TimeSpan.FromSeconds(30), MaxEjection = TimeSpan.FromMinutes(5), HalfOpenTrials = 2,
        },
        HealthCheck = new HealthCheckDefinition { Path = "/health", Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(1), HealthyThreshold = 2, UnhealthyThreshold = 3 },
        Retry = new RetryDefinition { Attempts = 3, Methods = ["GET", "PUT"], Budget = 0.2, Backoff = TimeSpan.FromMilliseconds(25), OverallTimeout = TimeSpan.FromSeconds(8) },
        Version = 3,
    };

    public static TheoryData<IGatewayMessage> Messages() => new(All);

    private static readonly IGatewayMessage[] All =
    [
        FullRoute,
        FullUpstream,
        new UpsertRoute(FullRoute, 6),
        new UpsertRoute(FullRoute),
        new UpsertRoute(FullRoute) { Deadline = 1_764_480_000_123, CommandId = new Guid("0b9f1c55-8a7e-4d8e-b2f5-1f1c7e1d9a01") },
        new DeleteRoute("users", 7),
        new DeleteRoute("users") { Deadline = 1_764_480_000_456 },
        new RouteUpserted(FullRoute),
        new RouteDeleted("users", 8),
        new UpsertUpstream(FullUpstream, 2),
        new DeleteUpstream("users"),
        new UpstreamUpserted(FullUpstream),
        new UpstreamDeleted("users", 4),
        new Republish("route:users"),
        new Republished("route:users", 7),
        new RouteAccepted(FullRoute, true),
        new UpstreamAccepted(FullUpstream, false),
        new DefinitionDeleted("upstream:users", 4),
        new ValidationRejected([new ValidationError("path", "path template '/a/{**b}/c': catch-all must be last"), new ValidationError("upstream", "upstream 'x' does not exist")]),
        new VersionConflict(3),
        new DefinitionNotFound("route:nope"),
        new UpstreamInUse("users", ["a", "b"]),
        new CommandNotApplied("route:users", "deadline passed"),
        new CommandInProgress("route:users", new Guid("5b0c7c1e-7d0e-4a57-9f43-3c7f0d7d2a11")),
        new AwaitDefinitionServed("route:users", 9),
        new DefinitionServed("route:users", 9),
        new DefinitionWritten("route:users", "{\"deleted\":true,\"version\":9}"),
        new GetCommandOutcome("route:users", new Guid("5b0c7c1e-7d0e-4a57-9f43-3c7f0d7d2a11")),
        new EndpointEjected("users", "http://10.0.0.5:8080", TimeSpan.FromSeconds(30), "akka.tcp://gateway@127.0.0.1:4053", new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc)),
        new Gateway.Protocol.Caching.GetCachedResponse("abc", "users\u001fhost\u001f/a", ImmutableDictionary<string, string>.Empty.Add("Accept", "text/plain")),
        new Gateway.Protocol.Caching.CachedResponseFound(Gateway.Tests.Protocol.Caching.CacheMessagesTests.Stored),
        Gateway.Protocol.Caching.CachedResponseMissing.Instance,
        new Gateway.Protocol.Caching.CachedResponseVaries(["accept-language", "accept-encoding"]),
        new Gateway.Protocol.Caching.StoreCachedResponse("abc", "users\u001f\u001f/a", ImmutableDictionary<string, string>.Empty, Gateway.Tests.Protocol.Caching.CacheMessagesTests.Stored),
        new Gateway.Protocol.Caching.PurgeCache("/api/", null),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void RoundTrip_ThroughTheBoundSerializer_GivesAnEqualMessage(IGatewayMessage message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<GatewaySerializer>(serializer);

        var manifest = ((GatewaySerializer)serializer).Manifest(message);
        var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        // Records holding immutable arrays compare arrays by reference, so compare what each says instead.
        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void Messages_CoverEverySupportedType()
    {
        var covered = All.Select(m => m.GetType()).ToHashSet();
        Assert.Empty(GatewaySerializer.SupportedTypes.Where(t => !covered.Contains(t)));
    }

    [Fact]
    public void RouteDefinition_RoundTrip_KeepsEveryFieldAndCaseInsensitiveHeaders()
    {
        var serializer = new GatewaySerializer((ExtendedActorSystem)_system);
        var back = (RouteDefinition)serializer.FromBinary(serializer.ToBinary(FullRoute), "route");

        Assert.Equal(FullRoute.Path, back.Path);
        Assert.Equal(["api.example.com", "*.example.org"], back.Hosts.ToArray());
        Assert.Equal(["GET", "PUT"], back.Methods.ToArray());
        Assert.Equal(-2, back.Order);
        Assert.Equal("/v2/{id}/{**rest}", back.Rewrite!.Template);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), back.Timeout);
        Assert.Equal("a b", back.RequestHeaders.Add["x-tenant"]);
        Assert.Equal(["Cookie"], back.RequestHeaders.Remove.ToArray());
        Assert.Equal(["Server"], back.ResponseHeaders.Remove.ToArray());
        Assert.Equal(FullRoute.RateLimit, back.RateLimit);
        Assert.Equal((10L * 1024 * 1024, true), (back.MaxRequestBodySize, back.AllowEncodedSlashes));
        Assert.Equal(["host", "path", "header:Accept-Language"], back.Cache!.Key.ToArray());
        Assert.Equal((TimeSpan.FromSeconds(30), 65536L, true, false), (back.Cache.DefaultTtl, back.Cache.MaxBodySize, back.Cache.AllowSetCookie, back.Cache.Cluster));
        Assert.Equal(7, back.Version);
    }

    [Fact]
    public void UpstreamDefinition_RoundTrip_KeepsEveryField()
    {
        var serializer = new GatewaySerializer((ExtendedActorSystem)_system);
        var back = (UpstreamDefinition)serializer.FromBinary(serializer.ToBinary(FullUpstream), "upstream");

        Assert.Equal(["http://10.0.0.5:8080", "https://10.0.0.6/base"], back.Endpoints.Select(e => e.Url).ToArray());
        Assert.Equal([3, 1], back.Endpoints.Select(e => e.Weight).ToArray());
        Assert.Equal((LoadBalancingMode?)LoadBalancingMode.PowerOfTwoChoices, back.LoadBalancing);
        Assert.Equal((10, 0), (back.MaxInFlight, back.MaxQueued));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)), (back.ConnectTimeout, back.RequestTimeout));
        Assert.Equal(3, back.Version);
        Assert.Equal(FullUpstream.CircuitBreaker, back.CircuitBreaker);
        Assert.Equal(FullUpstream.HealthCheck, back.HealthCheck);
        Assert.Equal(["GET", "PUT"], back.Retry!.Methods!.Value.ToArray());
        Assert.Equal((3, 0.2, TimeSpan.FromMilliseconds(25)), (back.Retry.Attempts, back.Retry.Budget, back.Retry.Backoff));
    }

    [Fact]
    public void Manifests_ArePinned()
    {
        // Journal entries carry these strings: changing one makes stored events unreadable.
        var serializer = new GatewaySerializer((ExtendedActorSystem)_system);
        Assert.Equal(7301, serializer.Identifier);
        Assert.Equal("route-upserted", serializer.Manifest(new RouteUpserted(FullRoute)));
        Assert.Equal("route-deleted", serializer.Manifest(new RouteDeleted("a", 1)));
        Assert.Equal("upstream-upserted", serializer.Manifest(new UpstreamUpserted(FullUpstream)));
        Assert.Equal("upstream-deleted", serializer.Manifest(new UpstreamDeleted("a", 1)));
    }

    [Fact]
    public void FromBinary_UnknownManifest_Throws()
    {
        var serializer = new GatewaySerializer((ExtendedActorSystem)_system);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "no-such"));
    }

    private static string Describe(object message) => JsonSerializer.Serialize(message, message.GetType(), DefinitionJson.Options);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
