using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Protocol.Ops;

/// <summary>
/// Table frames as JSON, the same for <c>pbm --json</c> and the admin API's runtime state: one object per row, keyed by the
/// column names in camelCase (<c>in-flight</c> is <c>inFlight</c>, <c>p50 ms</c> is <c>p50Ms</c>), numbers and booleans typed as
/// the table declares them (<see cref="OpsFrame.Types"/>).
/// </summary>
public static class OpsJson
{
    /// <summary>The rows of the table <paramref name="frame"/> as JSON objects.</summary>
    public static JsonArray Rows(OpsFrame frame)
    {
        var columns = frame.Columns ?? [];
        var types = frame.Types ?? [];
        var keys = columns.Select(CamelCase).ToArray();
        var rows = new JsonArray();
        foreach (var row in frame.Rows ?? [])
        {
            var item = new JsonObject();
            for (var i = 0; i < columns.Length; i++) item[keys[i]] = Value(i < row.Length ? row[i] : null, i < types.Length ? types[i] : "string");
            rows.Add(item);
        }
        return rows;
    }

    /// <summary>A column name as a JSON key: words split at anything but letters and digits, joined in camelCase.</summary>
    public static string CamelCase(string column)
    {
        var words = column.Split(column.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return column;
        return string.Concat(words.Select((w, i) => i == 0 ? w.ToLowerInvariant() : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
    }

    private static JsonNode? Value(string? cell, string type)
    {
        switch (type)
        {
            case "number":
                if (string.IsNullOrEmpty(cell) || cell == "-") return null;
                if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
                return cell;
            case "boolean":
                return cell is "yes" or "true";
            default:
                return cell;
        }
    }
}
