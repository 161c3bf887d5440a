namespace Gateway.Actors.Chain;

/// <summary>Composes steps into one delegate (an onion, like Gin's handler chain), once per route when the table is compiled.</summary>
public static class RequestChain
{
    private static readonly StepDelegate End = static _ => new(StepOutcome.Problem(500, "No terminal step", "the route's chain ended without a step that answers"));

    /// <summary>The delegate that runs <paramref name="steps"/> in order; the last one normally answers without calling its next.</summary>
    public static StepDelegate Compose(IReadOnlyList<IRequestStep> steps)
    {
        var next = End;
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var step = steps[i];
            var rest = next;
            next = context => step.InvokeAsync(context, rest);
        }
        return next;
    }
}
