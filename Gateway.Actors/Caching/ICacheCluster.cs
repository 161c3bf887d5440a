using System.Collections.Immutable;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Caching;

/// <summary>The L2 level as the node's response cache sees it: ask the owner of a key, and hand it what was fetched.</summary>
public interface ICacheCluster
{
    /// <summary>
    /// The response the key's owner holds for a request with <paramref name="headers"/>, re-based to this node's clock;
    /// null on a miss or a timeout. <paramref name="vary"/> names the headers the key's responses are known to vary on
    /// (empty when unknown); only their values are sent, and never those of a credential (<paramref name="credentialHeader"/> included).
    /// </summary>
    Task<CachedResponse?> GetAsync(string baseKey, IHeaderDictionary headers, ImmutableArray<string> vary, string? credentialHeader);

    /// <summary>Hands <paramref name="response"/> (stored here at <paramref name="now"/>) to the key's owner with the values of the headers it varies on; fire and forget.</summary>
    void Store(string baseKey, IHeaderDictionary headers, CachedResponse response, DateTimeOffset now);
}
