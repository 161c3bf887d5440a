using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// Who a request was authenticated as by its route's auth policy; set as a request feature, read by claim-keyed rate
/// limits and by the claim headers forwarded upstream.
/// </summary>
public abstract class GatewayIdentity
{
    /// <summary>The claim name under which an API key's owner (<c>name</c>) is found: what <c>key = api-key</c> reads.</summary>
    public const string ApiKeyClaim = "name";

    /// <summary>The value of claim <paramref name="name"/>, or null when the identity has none.</summary>
    public abstract string? Claim(string name);

    /// <summary>
    /// Who the caller is, in one value: the API key's name, or the JWT's <c>sub</c> (null when the token has none). What
    /// the response cache keys an authenticated route's entries by, unless the route names another claim.
    /// </summary>
    public abstract string? Subject { get; }

    /// <summary>The rate-limit key of <paramref name="context"/> by claim <paramref name="claim"/> ("" without an identity or claim).</summary>
    public static string KeyOf(HttpContext context, string claim) =>
        context.Features.Get<GatewayIdentity>()?.Claim(claim) ?? "";
}
