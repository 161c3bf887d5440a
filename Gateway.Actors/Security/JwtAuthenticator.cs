using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Actors.Security;

/// <summary>
/// JWT bearer validation of one policy with <see cref="JsonWebTokenHandler"/>: the <see cref="TokenValidationParameters"/>
/// are built once, and rebuilt only when a JWKS refresh brings new keys; requests read them with one volatile load.
/// </summary>
internal sealed partial class JwtAuthenticator : RouteAuthenticator
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };
    private static readonly HttpClient JwksClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly JwtAuthDefinition _jwt;
    private readonly ILogger _log;
    private readonly ITimer? _refresh;
    private readonly TimeProvider _time;
    private readonly Lock _reloadLock = new();
    private readonly TimeSpan _unknownKidCooldown;
    private TokenValidationParameters _parameters;
    private int _refreshing;
    private long _lastUnknownKidRefresh = long.MinValue;
    private Task? _unknownKidRefresh;

    /// <summary>Compiles policy <paramref name="name"/>; <paramref name="keys"/> are its first keys (empty for a JWKS URL not yet fetched).</summary>
    /// <param name="unknownKidCooldown">Least time between two reloads caused by tokens whose <c>kid</c> no key has.</param>
    internal JwtAuthenticator(string name, JwtAuthDefinition jwt, IReadOnlyList<SecurityKey> keys, TimeSpan clockSkew, TimeSpan refresh,
        TimeProvider time, ILogger log, TimeSpan? unknownKidCooldown = null)
    {
        Name = name;
        _time = time;
        _unknownKidCooldown = unknownKidCooldown ?? refresh;
        _jwt = jwt;
        _log = log;
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = jwt.Issuer is not null,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = !jwt.Audiences.IsDefaultOrEmpty,
            ValidAudiences = jwt.Audiences.IsDefault ? [] : jwt.Audiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = clockSkew,
            // A shared secret only verifies HS256, public keys only RS256 / ES256: no algorithm confusion.
            ValidAlgorithms = jwt.Hs256SecretEnv is not null ? [SecurityAlgorithms.HmacSha256] : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            SaveSigninToken = false,
        };
        if (jwt.JwksFile is not null || jwt.JwksUrl is not null)
        {
            _refresh = time.CreateTimer(_ => _ = RefreshAsync(), null, jwt.JwksUrl is not null && keys.Count == 0 ? TimeSpan.Zero : refresh, refresh);
        }
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Number of signing keys in use now.</summary>
    public int KeyCount => Volatile.Read(ref _parameters).IssuerSigningKeys.Count();

    /// <inheritdoc />
    public override string Challenge(string? error) => error is null
        ? "Bearer realm=\"gateway\""
        : $"Bearer realm=\"gateway\", error=\"invalid_token\", error_description=\"{error}\"";

    /// <inheritdoc />
    public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return new(AuthOutcome.Failure(null));
        var token = value[7..].Trim();
        var validation = Handler.ValidateTokenAsync(token, Volatile.Read(ref _parameters));
        if (!validation.IsCompletedSuccessfully) return AwaitAsync(validation, token);
        var result = validation.Result;
        return IsUnknownKid(result, token) ? RetryAfterKeyRotationAsync(result, token) : new(Decide(result));
    }

    private async ValueTask<AuthOutcome> AwaitAsync(Task<TokenValidationResult> validation, string token)
    {
        var result = await validation.ConfigureAwait(false);
        return IsUnknownKid(result, token) ? await RetryAfterKeyRotationAsync(result, token).ConfigureAwait(false) : Decide(result);
    }

    /// <summary>True when the token names a <c>kid</c> that none of the keys has, and the keys come from a JWKS that may have rotated.</summary>
    private bool IsUnknownKid(TokenValidationResult result, string token)
    {
        if (result.IsValid || _jwt.JwksFile is null && _jwt.JwksUrl is null) return false;
        if (result.Exception is not (SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException)) return false;
        if (!Handler.CanReadToken(token)) return false;
        var kid = Handler.ReadJsonWebToken(token).Kid;
        return !string.IsNullOrEmpty(kid) && !Volatile.Read(ref _parameters).IssuerSigningKeys.Any(k => k.KeyId == kid);
    }

    /// <summary>
    /// A token signed with a key we do not know yet (the identity provider rotated its keys): reload the JWKS once, at most
    /// once per cooldown whatever the number of such tokens (requests arriving meanwhile share the reload), then validate again.
    /// </summary>
    private async ValueTask<AuthOutcome> RetryAfterKeyRotationAsync(TokenValidationResult first, string token)
    {
        Task? reload;
        lock (_reloadLock)
        {
            reload = _unknownKidRefresh;
            var now = _time.GetUtcNow().UtcTicks;
            if (reload is null || reload.IsCompleted)
            {
                if (_lastUnknownKidRefresh != long.MinValue && now - _lastUnknownKidRefresh < _unknownKidCooldown.Ticks) return Decide(first);
                _lastUnknownKidRefresh = now;
                reload = _unknownKidRefresh = RefreshAsync();
                LogUnknownKid(_log, Name);
            }
        }
        await reload.ConfigureAwait(false);
        return Decide(await Handler.ValidateTokenAsync(token, Volatile.Read(ref _parameters)).ConfigureAwait(false));
    }

    /// <summary>Reloads the JWKS now (the timer calls it every <c>jwks-refresh</c>); keeps the old keys when it fails.</summary>
    public async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            var keys = _jwt.JwksFile is { } file
                ? JwksLoader.ReadFile(file)
                : await JwksLoader.FetchAsync(JwksClient, _jwt.JwksUrl!, CancellationToken.None).ConfigureAwait(false);
            var current = Volatile.Read(ref _parameters);
            if (SameKeys(current.IssuerSigningKeys, keys)) return;
            var next = current.Clone();
            next.IssuerSigningKeys = keys;
            Volatile.Write(ref _parameters, next);
            LogKeysLoaded(_log, Name, keys.Count);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or HttpRequestException or TaskCanceledException or UnauthorizedAccessException)
        {
            LogRefreshFailed(_log, Name, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _refresh?.Dispose();
        base.Dispose();
    }

    private static AuthOutcome Decide(TokenValidationResult result)
    {
        if (result.IsValid && result.SecurityToken is JsonWebToken token) return AuthOutcome.Success(new JwtIdentity(token));
        // Fixed texts per failure kind: IdentityModel's messages may carry token content.
        return AuthOutcome.Failure(result.Exception switch
        {
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenNotYetValidException => "the token is not valid yet",
            SecurityTokenNoExpirationException => "the token has no expiry",
            SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
            SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
            SecurityTokenInvalidAlgorithmException => "the token's algorithm is not accepted",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
            SecurityTokenMalformedException or ArgumentException => "the token is malformed",
            _ => "the token is not valid",
        });
    }

    private static bool SameKeys(IEnumerable<SecurityKey> current, IReadOnlyList<SecurityKey> next)
    {
        var before = current.Select(Thumbprint).Order(StringComparer.Ordinal).ToList();
        var after = next.Select(Thumbprint).Order(StringComparer.Ordinal).ToList();
        return before.SequenceEqual(after, StringComparer.Ordinal);
    }

    private static string Thumbprint(SecurityKey key) =>
        key.CanComputeJwkThumbprint() ? Base64UrlEncoder.Encode(key.ComputeJwkThumbprint()) : key.KeyId ?? key.GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class JwtIdentity(JsonWebToken token) : GatewayIdentity
    {
        public override string? Claim(string name) => token.TryGetClaim(name, out var claim) ? claim.Value : null;

        public override string? Subject => Claim("sub");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Auth policy '{Policy}' now uses {KeyCount} signing keys from its JWKS")]
    private static partial void LogKeysLoaded(ILogger log, string policy, int keyCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Auth policy '{Policy}' got a token with an unknown kid: reloading its JWKS")]
    private static partial void LogUnknownKid(ILogger log, string policy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth policy '{Policy}' kept its keys: the JWKS could not be loaded ({Reason})")]
    private static partial void LogRefreshFailed(ILogger log, string policy, string reason);
}
