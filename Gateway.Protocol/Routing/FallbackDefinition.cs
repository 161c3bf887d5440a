using System.Collections.Immutable;

namespace Gateway.Protocol.Routing;

/// <summary>
/// A route's degraded answer: sent instead of a 502/503/504 (or an upstream 5xx) for the listed reasons, marked
/// <c>X-Gateway-Fallback: REASON</c> and never stored in the cache.
/// </summary>
public sealed record FallbackDefinition
{
    /// <summary>Status code of the fallback answer.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Content-Type of the body; null sends none.</summary>
    public string? ContentType { get; init; }

    /// <summary>The body as text; null when <see cref="BodyFile"/> is used (or no body).</summary>
    public string? Body { get; init; }

    /// <summary>Path of a file whose bytes are the body, read when the route is compiled; null when <see cref="Body"/> is used.</summary>
    public string? BodyFile { get; init; }

    /// <summary>The reasons that trigger the fallback; empty means all of them.</summary>
    public ImmutableArray<FallbackReason> On { get; init; } = [];

    /// <summary>The spelling of <paramref name="reason"/> in HOCON, JSON, the <c>X-Gateway-Fallback</c> header and metric labels.</summary>
    public static string NameOf(FallbackReason reason) => reason switch
    {
        FallbackReason.Unavailable => "unavailable",
        FallbackReason.Shed => "shed",
        FallbackReason.Timeout => "timeout",
        _ => "error",
    };

    /// <summary>Whether <paramref name="reason"/> triggers the fallback.</summary>
    public bool Covers(FallbackReason reason) => On.IsDefaultOrEmpty || On.Contains(reason);

    /// <inheritdoc />
    public bool Equals(FallbackDefinition? other) =>
        other is not null && Status == other.Status && ContentType == other.ContentType && Body == other.Body && BodyFile == other.BodyFile
        && (On.IsDefault ? [] : On).SequenceEqual(other.On.IsDefault ? [] : other.On);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Status, ContentType, Body, BodyFile);
}
