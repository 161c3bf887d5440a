using System.Collections.Immutable;

namespace Gateway.Actors.Caching;

/// <summary>
/// Whether a response may be stored and, if so, its freshness lifetime, the age it arrived with, whether every use needs
/// revalidation, and the request headers it varies on. <see cref="Reason"/> says why not, for logs and tests.
/// </summary>
internal readonly record struct StoreDecision(bool Store, string Reason, TimeSpan Lifetime, TimeSpan InitialAge, bool NoCache, ImmutableArray<string> Vary)
{
    /// <summary>A refusal for <paramref name="reason"/>.</summary>
    public static StoreDecision No(string reason) => new(false, reason, TimeSpan.Zero, TimeSpan.Zero, false, []);
}
