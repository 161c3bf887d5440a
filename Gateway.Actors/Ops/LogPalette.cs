using System.Globalization;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>The <c>log</c> palette: recent log events of this node, and live ones.</summary>
internal static class LogPalette
{
    /// <summary>Events <c>log peek</c> shows without a count.</summary>
    public const int DefaultPeekCount = 20;

    private static readonly string[] Columns = ["time", "level", "source", "message", "exception"];

    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("log", "recent and live log events of this node",
    [
        new OpsCommand
        {
            Name = "log peek", Arguments = "[n]", MaxArgs = 1, Summary = $"the last n log events (default {DefaultPeekCount})",
            Run = (inv, ctx) => Peek(ctx.Logs, inv.Arg(0), inv.Json).AsTask(),
        },
        new OpsCommand
        {
            Name = "log tail", Streaming = true, Summary = "log events as they are written",
            Actor = (inv, ctx, output) => LogTailActor.Props(ctx.Logs, output, inv.Json),
        },
    ]);

    /// <summary>The newest <paramref name="count"/> events of <paramref name="logs"/>; a usage error for a count that is not 1..capacity.</summary>
    public static OpsResult Peek(LogBuffer logs, string? count, bool json)
    {
        var n = DefaultPeekCount;
        if (count is not null && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > logs.Capacity))
            return OpsResult.UsageError($"'{count}' is not a count from 1 to {logs.Capacity}", "usage: pbm [HOST:PORT] log peek [n]");

        var entries = logs.Peek(n);
        return json
            ? OpsResult.Ok(OpsFrame.Table("log", Columns, entries.Select(Row)))
            : OpsResult.Ok([.. entries.Select(e => OpsFrame.Line(Format(e)))]);
    }

    /// <summary>The frame for one event: a line, or a one-row table when the client asked for JSON.</summary>
    public static OpsFrame Frame(LogEntry entry, bool json) =>
        json ? OpsFrame.Table("log", Columns, [Row(entry)]) : OpsFrame.Line(Format(entry));

    /// <summary>One line: time, three-letter level, source, message and exception.</summary>
    public static string Format(LogEntry e)
    {
        var level = e.Level.Length >= 3 ? e.Level[..3].ToUpperInvariant() : e.Level.ToUpperInvariant();
        var source = e.Source.Length > 0 ? e.Source + ": " : "";
        var exception = e.Exception is null ? "" : " | " + e.Exception;
        return $"{e.Timestamp.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {level} {source}{e.Message}{exception}";
    }

    private static string[] Row(LogEntry e) =>
    [
        e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), e.Level, e.Source, e.Message, e.Exception ?? "",
    ];
}
