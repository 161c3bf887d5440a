using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Admin;

/// <summary>Requires <c>Authorization: Bearer TOKEN</c> on the admin API when a token is configured.</summary>
public sealed class AdminAuthFilter(string token) : IEndpointFilter
{
    // Hashing both sides gives equal-length inputs, so the comparison time says nothing about the token's length or prefix.
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (token.Length == 0 || IsAuthorized(context.HttpContext.Request.Headers.Authorization.ToString())) return next(context);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "the admin API requires 'Authorization: Bearer <token>'"));
    }

    private bool IsAuthorized(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
