using System.Runtime.CompilerServices;
using System.Text;
using Gateway.Actors.Chain;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Traffic;

/// <summary>
/// A route's degraded answer: when the rest of the chain ends for one of the configured reasons (no endpoint could be
/// tried, shed, timeout, or an upstream 5xx), the client gets the route's fallback with <c>X-Gateway-Fallback: REASON</c>
/// instead. Counted in <c>gateway_fallback_total</c>; never stored in the cache (it is not an upstream response, and an
/// upstream 5xx replaced by it is never copied).
/// </summary>
internal sealed class FallbackStep : IRequestStep, IForwardHook
{
    /// <summary>The header that marks a fallback answer and names its reason.</summary>
    public const string Header = "X-Gateway-Fallback";

    private readonly FallbackDefinition _definition;
    private readonly byte[] _body;
    private readonly string? _contentType;
    private readonly Prometheus.Counter.Child[] _counters;

    /// <summary>Prepares the fallback of route <paramref name="routeId"/>; <paramref name="body"/> is the inline body or the body file's bytes.</summary>
    public FallbackStep(string routeId, FallbackDefinition definition, byte[] body)
    {
        _definition = definition;
        _body = body;
        _contentType = definition.ContentType;
        _counters = Enum.GetValues<FallbackReason>().Select(r => TrafficMetrics.Fallbacks.WithLabels(routeId, FallbackDefinition.NameOf(r))).ToArray();
    }

    /// <summary>Reads the body of <paramref name="definition"/>: the inline text as UTF-8, or the file's bytes.</summary>
    /// <exception cref="IOException">The body file cannot be read.</exception>
    public static byte[] ReadBody(FallbackDefinition definition) =>
        definition.BodyFile is { } file ? File.ReadAllBytes(file) : Encoding.UTF8.GetBytes(definition.Body ?? "");

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        var onError = _definition.Covers(FallbackReason.Error);
        if (onError) context.AddHook(this);
        StepOutcome outcome;
        try
        {
            outcome = await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (onError) context.RemoveHook(this);
        }

        if (Reason(outcome) is not { } reason || !_definition.Covers(reason)) return outcome;
        var http = context.Http;
        if (http.Response.HasStarted || http.RequestAborted.IsCancellationRequested) return outcome;
        await WriteAsync(http, reason).ConfigureAwait(false);
        return StepOutcome.Answered(_definition.Status);
    }

    /// <summary>The fallback reason of an outcome, or null when the outcome is not one a fallback replaces.</summary>
    public static FallbackReason? Reason(in StepOutcome outcome) => outcome switch
    {
        { Kind: OutcomeKind.Shed } => FallbackReason.Shed,
        { Kind: OutcomeKind.Problem, Status: StatusCodes.Status503ServiceUnavailable or StatusCodes.Status502BadGateway } => FallbackReason.Unavailable,
        { Kind: OutcomeKind.Problem, Status: StatusCodes.Status504GatewayTimeout } => FallbackReason.Timeout,
        _ => null,
    };

    // An upstream 5xx that no retry replaced: answered with the fallback instead, before a byte of it is copied.
    bool IForwardHook.OnResponse(HttpResponseMessage? response) => response is null || (int)response.StatusCode < 500;

    async ValueTask<bool> IForwardHook.ServeInsteadAsync(HttpContext context)
    {
        await WriteAsync(context, FallbackReason.Error).ConfigureAwait(false);
        return false;
    }

    private Task WriteAsync(HttpContext http, FallbackReason reason)
    {
        _counters[(int)reason].Inc();
        var response = http.Response;
        response.Clear();
        response.StatusCode = _definition.Status;
        response.Headers[Header] = FallbackDefinition.NameOf(reason);
        response.Headers.CacheControl = "no-store";
        if (_contentType is not null) response.ContentType = _contentType;
        response.ContentLength = _body.Length;
        return _body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(_body, http.RequestAborted).AsTask();
    }
}
