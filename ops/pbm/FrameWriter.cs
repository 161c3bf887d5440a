using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Protocol.Ops;

namespace Pbm;

/// <summary>
/// Prints frames: for people, lines as they are, tables with aligned columns and errors on stderr; with
/// <c>--json</c>, one JSON object per frame on stdout, table rows as objects keyed by column.
/// </summary>
internal sealed class FrameWriter(TextWriter output, TextWriter error, bool json)
{
    /// <summary>Prints one frame.</summary>
    public void Write(OpsFrame frame)
    {
        if (frame.Type == OpsFrameTypes.Document)
        {
            // A dump is saved to a file as it is: the same with --json (whose dump is JSON already).
            output.Write(frame.Text);
            output.Flush();
            return;
        }
        if (json)
        {
            // Errors go to stderr in both modes, so stdout holds only the answer.
            var target = frame.Type == OpsFrameTypes.Error ? error : output;
            target.WriteLine(ToJson(frame).ToJsonString(OpsWire.Options));
            target.Flush();
            return;
        }

        switch (frame.Type)
        {
            case OpsFrameTypes.Line:
                output.WriteLine(frame.Text);
                break;
            case OpsFrameTypes.Table:
                output.Write(FormatTable(frame.Columns ?? [], [.. (frame.Rows ?? []).Select(r => (IReadOnlyList<string>)r)]));
                break;
            case OpsFrameTypes.Error:
                error.WriteLine($"error: {frame.Message}");
                if (frame.Usage is not null) error.WriteLine(frame.Usage);
                break;
        }
        output.Flush();
    }

    /// <summary>
    /// A frame as the JSON object <c>--json</c> prints. A table's rows become objects keyed by its columns in camelCase
    /// (<c>in-flight</c> is <c>inFlight</c>, <c>p50 ms</c> is <c>p50Ms</c>), with numbers and booleans typed as the node declared them.
    /// </summary>
    public static JsonObject ToJson(OpsFrame frame) => frame.Type != OpsFrameTypes.Table
        ? JsonSerializer.SerializeToNode(frame, OpsWire.Options)!.AsObject()
        : new JsonObject { ["type"] = frame.Type, ["name"] = frame.Name, ["rows"] = OpsJson.Rows(frame) };

    /// <summary>Header, dashes and rows, each column as wide as its widest cell.</summary>
    public static string FormatTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = columns.Select((c, i) => rows.Select(r => i < r.Count ? r[i].Length : 0).Append(c.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Row(IReadOnlyList<string> cells)
        {
            var line = string.Join("  ", widths.Select((w, i) => (i < cells.Count ? cells[i] : "").PadRight(w)));
            text.Append(line.TrimEnd()).Append('\n');
        }
        Row(columns.Select(c => c.ToUpperInvariant()).ToArray());
        if (rows.Count == 0) text.Append("(none)\n");
        foreach (var row in rows) Row(row);
        return text.ToString();
    }
}
