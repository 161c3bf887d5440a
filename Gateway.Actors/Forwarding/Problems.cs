using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Forwarding;

/// <summary>Writes the gateway's own error answers as RFC 9457 problem+json carrying the request id.</summary>
internal static class Problems
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    /// <summary>Writes a problem response unless the response has already started.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string requestId, string? traceId = null)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        response.Headers["X-Request-Id"] = requestId;
        response.Headers.CacheControl = "no-store";

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type", $"https://httpwg.org/specs/rfc9110.html#status.{status}");
            json.WriteString("title", title);
            json.WriteNumber("status", status);
            json.WriteString("detail", detail);
            json.WriteString("instance", context.Request.Path.Value);
            json.WriteString("requestId", requestId);
            if (traceId is not null) json.WriteString("traceId", traceId);
            json.WriteEndObject();
        }
        response.ContentLength = buffer.WrittenCount;
        return context.Request.Method == HttpMethods.Head
            ? Task.CompletedTask
            : response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
