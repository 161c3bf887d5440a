using System.Collections.Immutable;

namespace Gateway.Protocol.Ops;

/// <summary>
/// A frame the ops host sends back for a request: any number of <c>line</c>, <c>table</c> and <c>error</c> frames, then
/// exactly one <c>end</c> frame carrying the command's exit code (0 done, 1 failed, 2 usage error).
/// </summary>
public sealed record OpsFrame
{
    /// <summary>One of <see cref="OpsFrameTypes"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>Text of a <c>line</c> frame.</summary>
    public string? Text { get; init; }

    /// <summary>Name of a <c>table</c> frame (what its rows are, e.g. <c>members</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Column names of a <c>table</c> frame.</summary>
    public ImmutableArray<string>? Columns { get; init; }

    /// <summary>
    /// Type of each column of a <c>table</c> frame for <c>--json</c>: <c>string</c> (the default), <c>number</c> (<c>-</c> or
    /// empty is null) or <c>boolean</c> (<c>yes</c> is true, <c>no</c> or empty false); null: every column is a string.
    /// </summary>
    public ImmutableArray<string>? Types { get; init; }

    /// <summary>Rows of a <c>table</c> frame, one cell per column.</summary>
    public ImmutableArray<ImmutableArray<string>>? Rows { get; init; }

    /// <summary>Message of an <c>error</c> frame.</summary>
    public string? Message { get; init; }

    /// <summary>Usage line of an <c>error</c> frame for a usage error.</summary>
    public string? Usage { get; init; }

    /// <summary>Exit code of an <c>end</c> frame (and of the <c>error</c> frame that precedes it).</summary>
    public int? ExitCode { get; init; }

    /// <summary>A line of text.</summary>
    public static OpsFrame Line(string text) => new() { Type = OpsFrameTypes.Line, Text = text };

    /// <summary>A document printed verbatim (<see cref="Text"/>), e.g. the HOCON or JSON of <c>gateway config dump</c>.</summary>
    public static OpsFrame Document(string text) => new() { Type = OpsFrameTypes.Document, Text = text };

    /// <summary>A table of <paramref name="rows"/> under <paramref name="columns"/>.</summary>
    public static OpsFrame Table(string name, IEnumerable<string> columns, IEnumerable<IEnumerable<string>> rows) => new()
    {
        Type = OpsFrameTypes.Table,
        Name = name,
        Columns = columns.ToImmutableArray(),
        Rows = rows.Select(r => r.ToImmutableArray()).ToImmutableArray(),
    };

    /// <summary>This table with the JSON type of each column (see <see cref="Types"/>): <c>n</c> number, <c>b</c> boolean, <c>s</c> string, one letter per column.</summary>
    public OpsFrame Typed(string letters) => this with
    {
        Types = letters.Select(c => c switch { 'n' => "number", 'b' => "boolean", _ => "string" }).ToImmutableArray(),
    };

    /// <summary>An error, with the usage line when the request itself was wrong.</summary>
    public static OpsFrame Error(string message, int exitCode, string? usage = null) =>
        new() { Type = OpsFrameTypes.Error, Message = message, Usage = usage, ExitCode = exitCode };

    /// <summary>The last frame of a response.</summary>
    public static OpsFrame End(int exitCode) => new() { Type = OpsFrameTypes.End, ExitCode = exitCode };
}
