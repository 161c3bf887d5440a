using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The behaviours the end-to-end tests ask of an upstream, chosen by path: <c>/echo/...</c> (JSON of what arrived),
/// <c>/status/{code}</c>, <c>/slow/{ms}</c>, <c>/download/{bytes}</c>, <c>/upload</c> (counts the body), <c>/ws</c> (WebSocket echo).
/// </summary>
public static class ScriptedUpstream
{
    /// <summary>Handles one request.</summary>
    public static async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var head = parts.Length > 0 ? parts[0] : "";
        switch (head)
        {
            case "status":
                context.Response.StatusCode = int.Parse(parts[1]);
                context.Response.Headers["X-Upstream-Internal"] = "secret";
                await context.Response.WriteAsync($"status {parts[1]}");
                return;
            case "slow":
                await Task.Delay(int.Parse(parts[1]), context.RequestAborted);
                await context.Response.WriteAsync("slow done");
                return;
            case "download":
                await DownloadAsync(context, long.Parse(parts[1]));
                return;
            case "upload":
                await UploadAsync(context);
                return;
            case "ws" when context.WebSockets.IsWebSocketRequest:
                await WebSocketEchoAsync(context);
                return;
            default:
                await EchoAsync(context);
                return;
        }
    }

    private static async Task EchoAsync(HttpContext context)
    {
        long bodyBytes = 0;
        var buffer = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0) bodyBytes += read;
        context.Response.Headers["X-Upstream-Internal"] = "secret";
        context.Response.Headers["X-Upstream"] = "scripted";
        await context.Response.WriteAsJsonAsync(new EchoReply(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            bodyBytes));
    }

    private static async Task DownloadAsync(HttpContext context, long total)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = total;
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)(i % 251);
        for (long sent = 0; sent < total;)
        {
            var n = (int)Math.Min(chunk.Length, total - sent);
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
            sent += n;
        }
    }

    private static async Task UploadAsync(HttpContext context)
    {
        long total = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0) total += read;
        await context.Response.WriteAsync(total.ToString());
    }

    private static async Task WebSocketEchoAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
        }
    }

    /// <summary>Reads an echo reply.</summary>
    public static async Task<EchoReply> ReadEchoAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<EchoReply>(await response.Content.ReadAsStringAsync(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}

/// <summary>What the echo upstream saw.</summary>
public sealed record EchoReply(string Method, string Path, string Query, string Protocol, Dictionary<string, string> Headers, long BodyBytes)
{
    /// <summary>A header's value by case-insensitive name, or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
