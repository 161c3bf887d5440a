using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Forwarding;

/// <summary>Request id and W3C trace context: passed on when the client sent valid ones, started otherwise.</summary>
internal static class RequestIdentity
{
    /// <summary>The client's X-Request-Id when it is 1-128 visible ASCII characters, else a new one.</summary>
    public static string RequestId(HttpRequest request)
    {
        var given = request.Headers["X-Request-Id"];
        if (given.Count == 1 && given[0] is { Length: > 0 and <= 128 } id && IsVisibleAscii(id)) return id;
        return ActivityTraceId.CreateRandom().ToHexString();
    }

    /// <summary>The client's traceparent when well formed (version 00), else a new sampled one with a random trace id.</summary>
    public static string TraceParent(HttpRequest request)
    {
        var given = request.Headers.TraceParent;
        if (given.Count == 1 && given[0] is { } value && IsValidTraceParent(value)) return value;
        return NewTraceParent();
    }

    // One string for the whole header: random trace and span ids written straight into it as lower-case hex.
    private static string NewTraceParent()
    {
        Span<byte> random = stackalloc byte[24];
        Random.Shared.NextBytes(random);
        // All-zero ids are invalid: 2^-128 and 2^-64 away, but cheap to rule out.
        if (!random[..16].ContainsAnyExcept((byte)0)) random[15] = 1;
        if (!random[16..].ContainsAnyExcept((byte)0)) random[23] = 1;
        var ids = (Trace: MemoryMarshal.Read<UInt128>(random), Span: MemoryMarshal.Read<ulong>(random[16..]));
        return string.Create(55, ids, static (chars, ids) =>
        {
            Span<byte> bytes = stackalloc byte[24];
            MemoryMarshal.Write(bytes, in ids.Trace);
            MemoryMarshal.Write(bytes[16..], in ids.Span);
            "00-".CopyTo(chars);
            Convert.TryToHexStringLower(bytes[..16], chars[3..35], out _);
            chars[35] = '-';
            Convert.TryToHexStringLower(bytes[16..], chars[36..52], out _);
            "-01".CopyTo(chars[52..]);
        });
    }

    /// <summary>The trace id (32 hex) inside a traceparent.</summary>
    public static string TraceId(string traceParent) => traceParent.Substring(3, 32);

    /// <summary>True for <c>00-{32 hex, not all 0}-{16 hex, not all 0}-{2 hex}</c>.</summary>
    public static bool IsValidTraceParent(string value)
    {
        if (value.Length != 55 || !value.StartsWith("00-", StringComparison.Ordinal) || value[35] != '-' || value[52] != '-') return false;
        var trace = value.AsSpan(3, 32);
        var span = value.AsSpan(36, 16);
        return IsLowerHex(trace) && IsLowerHex(span) && IsLowerHex(value.AsSpan(53, 2))
            && trace.ContainsAnyExcept('0') && span.ContainsAnyExcept('0');
    }

    private static bool IsLowerHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) return false;
        }
        return true;
    }

    private static bool IsVisibleAscii(string s)
    {
        foreach (var c in s)
        {
            if (c is < '!' or > '~') return false;
        }
        return true;
    }
}
