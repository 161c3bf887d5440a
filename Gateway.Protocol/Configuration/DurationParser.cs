using System.Globalization;

namespace Gateway.Protocol.Configuration;

/// <summary>Parses the durations users write in HOCON and JSON: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1.5s</c>, <c>5 seconds</c>.</summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; a bare number is milliseconds.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
        var unit = s[i..].Trim().ToLowerInvariant();
        double? ms = unit switch
        {
            "" or "ms" or "millis" or "millisecond" or "milliseconds" => number,
            "s" or "sec" or "second" or "seconds" => number * 1000,
            "m" or "min" or "minute" or "minutes" => number * 60_000,
            "h" or "hour" or "hours" => number * 3_600_000,
            "d" or "day" or "days" => number * 86_400_000,
            _ => null,
        };
        if (ms is null || double.IsInfinity(ms.Value) || ms.Value > TimeSpan.MaxValue.TotalMilliseconds) return false;
        value = TimeSpan.FromMilliseconds(ms.Value);
        return true;
    }
}
