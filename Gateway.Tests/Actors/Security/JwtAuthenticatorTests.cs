using Gateway.Actors.Security;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Gateway.Tests.Actors.Security;

/// <summary>JWT validation per policy with tokens minted in the test: each algorithm, and each way a token can fail.</summary>
public sealed class JwtAuthenticatorTests
{
    private static readonly TestTokens Keys = new();

    private static JwtAuthenticator Create(IReadOnlyList<SecurityKey> keys, bool hs256 = false, TimeSpan? skew = null) => new(
        "p",
        new JwtAuthDefinition
        {
            Issuer = TestTokens.Issuer, Audiences = [TestTokens.Audience],
            Hs256SecretEnv = hs256 ? "SECRET" : null, JwksFile = hs256 ? null : "unused.json",
        },
        keys, skew ?? TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);

    private static async Task<AuthOutcome> Validate(JwtAuthenticator auth, string? token)
    {
        var context = new DefaultHttpContext();
        if (token is not null) context.Request.Headers.Authorization = "Bearer " + token;
        return await auth.AuthenticateAsync(context);
    }

    public static TheoryData<string> Algorithms() => ["HS256", "RS256", "ES256"];

    private static (JwtAuthenticator Auth, SecurityKey Key) For(string algorithm) => algorithm switch
    {
        "HS256" => (Create([TestTokens.Hmac], hs256: true), TestTokens.Hmac),
        "RS256" => (Create(JwksLoader.Parse(TestTokens.Jwks(Keys.Rsa, Keys.Ec))), Keys.Rsa),
        _ => (Create(JwksLoader.Parse(TestTokens.Jwks(Keys.Rsa, Keys.Ec))), Keys.Ec),
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task ValidToken_IsAccepted_WithItsClaims(string algorithm)
    {
        var (auth, key) = For(algorithm);
        var outcome = await Validate(auth, TestTokens.Mint(key));
        Assert.Null(outcome.Error);
        Assert.Equal("user-42", outcome.Identity!.Claim("sub"));
        Assert.Equal("gold", outcome.Identity.Claim("tier"));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task ExpiredBeyondSkew_IsRefused_ButWithinSkewPasses(string algorithm)
    {
        var (auth, key) = For(algorithm);
        var expired = await Validate(auth, TestTokens.Mint(key, expires: DateTime.UtcNow.AddMinutes(-2)));
        Assert.Equal("the token has expired", expired.Error);

        var withinSkew = await Validate(auth, TestTokens.Mint(key, expires: DateTime.UtcNow.AddSeconds(-10)));
        Assert.NotNull(withinSkew.Identity);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task WrongIssuerOrAudience_IsRefused(string algorithm)
    {
        var (auth, key) = For(algorithm);
        Assert.Equal("the token's issuer is not accepted", (await Validate(auth, TestTokens.Mint(key, issuer: "https://evil.test"))).Error);
        Assert.Equal("the token's audience is not accepted", (await Validate(auth, TestTokens.Mint(key, audience: "other-api"))).Error);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task BadSignature_IsRefused(string algorithm)
    {
        var (auth, key) = For(algorithm);
        var token = TestTokens.Mint(key);
        // Flip a character of the signature.
        var last = token[^2] == 'A' ? 'B' : 'A';
        var tampered = token[..^2] + last + token[^1];
        Assert.Equal("the token's signature is not valid", (await Validate(auth, tampered)).Error);

        // Signed by a key the policy does not know.
        SecurityKey stranger = key switch
        {
            SymmetricSecurityKey => new SymmetricSecurityKey(new byte[32]),
            RsaSecurityKey => new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = ((RsaSecurityKey)key).KeyId },
            _ => new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)) { KeyId = key.KeyId },
        };
        Assert.NotNull((await Validate(auth, TestTokens.Mint(stranger))).Error);
        Assert.Null((await Validate(auth, TestTokens.Mint(stranger))).Identity);
    }

    [Fact]
    public async Task MissingOrMalformedToken_IsRefused_MissingWithoutError()
    {
        var (auth, _) = For("RS256");
        var missing = await Validate(auth, null);
        Assert.Null(missing.Identity);
        Assert.Null(missing.Error);
        Assert.Equal("Bearer realm=\"gateway\"", auth.Challenge(missing.Error));

        var malformed = await Validate(auth, "not-a-jwt");
        Assert.Equal("the token is malformed", malformed.Error);
        Assert.Contains("error=\"invalid_token\"", auth.Challenge(malformed.Error));
    }

    [Fact]
    public async Task HmacToken_OnAPublicKeyPolicy_IsRefused()
    {
        // Algorithm confusion: a policy of public keys accepts no HS256 token, whatever key signed it.
        var (auth, _) = For("RS256");
        Assert.Null((await Validate(auth, TestTokens.Mint(TestTokens.Hmac))).Identity);
    }
}

/// <summary>Key rotation at the identity provider: a token with an unknown kid makes the policy reload its JWKS file once, rate-limited.</summary>
public sealed class JwksRotationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"gateway-jwks-rotation-{Guid.NewGuid():N}.json");
    private readonly ListLogger _log = new();

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task UnknownKid_ReloadsTheJwksOnce_AtMostOncePerCooldown()
    {
        var first = new TestTokens();
        var second = new TestTokens();
        var third = new TestTokens();
        await File.WriteAllTextAsync(_file, TestTokens.Jwks(first.Rsa));
        var time = new Gateway.Tests.Support.ManualTimeProvider();
        // jwks-refresh of an hour: only the unknown kid can explain a reload within this test.
        using var auth = new JwtAuthenticator("p",
            new JwtAuthDefinition { Issuer = TestTokens.Issuer, Audiences = [TestTokens.Audience], JwksFile = _file },
            JwksLoader.ReadFile(_file), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), time, _log, TimeSpan.FromSeconds(10));

        // The provider rotates: the file now has the second key, and a token signed with it arrives.
        await File.WriteAllTextAsync(_file, TestTokens.Jwks(first.Rsa, second.Rsa));
        Assert.Null((await Validate(auth, TestTokens.Mint(second.Rsa))).Error);
        Assert.Equal(2, auth.KeyCount);

        // Another rotation right away: within the cooldown the unknown kid is refused without a reload...
        await File.WriteAllTextAsync(_file, TestTokens.Jwks(first.Rsa, second.Rsa, third.Rsa));
        Assert.Equal("the token's signature is not valid", (await Validate(auth, TestTokens.Mint(third.Rsa))).Error);
        Assert.Equal(2, auth.KeyCount);
        // ...and after it, one reload lets it in.
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null((await Validate(auth, TestTokens.Mint(third.Rsa))).Error);
        Assert.Equal(3, auth.KeyCount);

        // A kid that no JWKS has: refused, and a flood of them reloads at most once per cooldown.
        time.Advance(TimeSpan.FromSeconds(11));
        var stranger = new TestTokens();
        File.Delete(_file); // a reload would now fail and log; the keys stay
        var reloadsBefore = _log.Lines.Count(l => l.Contains("unknown kid", StringComparison.Ordinal));
        for (var i = 0; i < 50; i++) Assert.NotNull((await Validate(auth, TestTokens.Mint(stranger.Rsa))).Error);
        Assert.Equal(reloadsBefore + 1, _log.Lines.Count(l => l.Contains("unknown kid", StringComparison.Ordinal)));
        Assert.Equal(3, auth.KeyCount);
        Assert.Null((await Validate(auth, TestTokens.Mint(first.Rsa))).Error);
    }

    private static async Task<AuthOutcome> Validate(JwtAuthenticator auth, string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + token;
        return await auth.AuthenticateAsync(context);
    }
}
