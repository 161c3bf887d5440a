namespace Gateway.Protocol.Ops;

/// <summary>The values of <see cref="OpsFrame.Type"/>.</summary>
public static class OpsFrameTypes
{
    /// <summary>A line of text.</summary>
    public const string Line = "line";

    /// <summary>A table with named columns.</summary>
    public const string Table = "table";

    /// <summary>An error message, possibly with a usage line.</summary>
    public const string Error = "error";

    /// <summary>A document (a config dump) printed exactly as it is, with <c>--json</c> too, so it can be saved to a file.</summary>
    public const string Document = "document";

    /// <summary>The last frame of a response, with the exit code.</summary>
    public const string End = "end";
}
