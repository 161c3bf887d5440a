using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>A route's CORS policy: which browser origins may call it, and what the gateway answers to their preflights.</summary>
public sealed record CorsDefinition
{
    /// <summary>Origins allowed: exact (<c>https://app.example.com</c>), subdomain patterns (<c>https://*.example.com</c>) or <c>*</c>.</summary>
    public ImmutableArray<string> AllowedOrigins { get; init; } = [];

    /// <summary>Methods a preflight may ask for; empty allows the route's methods (or any method when the route takes any).</summary>
    public ImmutableArray<string> AllowedMethods { get; init; } = [];

    /// <summary>Request headers a preflight may ask for; <c>*</c> allows any; empty allows only CORS-safelisted headers.</summary>
    public ImmutableArray<string> AllowedHeaders { get; init; } = [];

    /// <summary>Response headers the browser lets scripts read (<c>Access-Control-Expose-Headers</c>).</summary>
    public ImmutableArray<string> ExposedHeaders { get; init; } = [];

    /// <summary>Whether credentialed requests (cookies, Authorization) are allowed; never together with origin <c>*</c>.</summary>
    public bool AllowCredentials { get; init; }

    /// <summary>How long a browser may cache a preflight answer (<c>Access-Control-Max-Age</c>); null sends none.</summary>
    public TimeSpan? MaxAge { get; init; }
}
