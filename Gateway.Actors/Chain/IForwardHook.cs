using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Chain;

/// <summary>
/// A step's part in the forward that a later step performs: the cache shapes the outgoing request and captures the
/// response, CORS puts its headers back over the upstream's. Registered on the <see cref="RequestContext"/>.
/// </summary>
internal interface IForwardHook
{
    /// <summary>Shapes the outgoing request's headers.</summary>
    void OnRequest(System.Net.Http.Headers.HttpRequestHeaders headers) { }

    /// <summary>
    /// The upstream's response headers arrived; false to answer with <see cref="ServeInsteadAsync"/> and copy nothing.
    /// Asked innermost hook first (the last registered); the first that returns false answers, and the others are not asked.
    /// </summary>
    bool OnResponse(HttpResponseMessage? response) => true;

    /// <summary>Answers the client instead of the upstream's response (after <see cref="OnResponse"/> returned false).</summary>
    ValueTask<bool> ServeInsteadAsync(HttpContext context) => ValueTask.FromResult(false);

    /// <summary>The upstream's response headers were copied to the client's response.</summary>
    void OnResponseHeaders(HttpContext context) { }

    /// <summary>The whole body was copied.</summary>
    void OnBodyComplete() { }
}
