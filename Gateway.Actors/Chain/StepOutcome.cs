namespace Gateway.Actors.Chain;

/// <summary>
/// How a step ended a request. A problem outcome carries what the renderer writes as problem+json; an answered one
/// only its status, because the step already wrote the response.
/// </summary>
public readonly record struct StepOutcome(OutcomeKind Kind, int Status, string? Title = null, string? Detail = null, string? RetryAfter = null)
{
    /// <summary>The response was written by the step with <paramref name="status"/>.</summary>
    public static StepOutcome Answered(int status) => new(OutcomeKind.Answered, status);

    /// <summary>Refuse with a problem response.</summary>
    public static StepOutcome Problem(int status, string title, string detail, string? retryAfter = null) =>
        new(OutcomeKind.Problem, status, title, detail, retryAfter);

    /// <summary>Refused by a rate limit; <paramref name="retryAfter"/> is the Retry-After value in seconds.</summary>
    public static StepOutcome RateLimited(string detail, string retryAfter) =>
        new(OutcomeKind.RateLimited, 429, "Too many requests", detail, retryAfter);

    /// <summary>Shed by a full upstream queue.</summary>
    public static StepOutcome Shed(string detail, string retryAfter) =>
        new(OutcomeKind.Shed, 503, "Upstream at capacity", detail, retryAfter);

    /// <summary>The client left first.</summary>
    public static StepOutcome ClientGone { get; } = new(OutcomeKind.ClientGone, 499);

    /// <summary>True when the renderer must write a problem response.</summary>
    public bool HasProblem => Title is not null;
}
