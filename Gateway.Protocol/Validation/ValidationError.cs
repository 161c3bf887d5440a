namespace Gateway.Protocol.Validation;

/// <summary>One problem in a user-written definition, naming the field by its path (e.g. <c>routes[2].path</c>).</summary>
public sealed record ValidationError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
