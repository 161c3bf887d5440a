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

    /// <summary>The last frame of a response, with the exit code.</summary>
    public const string End = "end";
}
