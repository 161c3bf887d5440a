using Gateway.Actors.Ops;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Gateway.Node.Ops;

/// <summary>Serilog sink that keeps the node's log events in the <see cref="LogBuffer"/> behind <c>pbm log peek</c> and <c>log tail</c>.</summary>
public sealed class LogBufferSink(LogBuffer buffer) : ILogEventSink
{
    // As the console renders them: string values without quotes.
    private static readonly MessageTemplateTextFormatter Message = new("{Message:lj}", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        var source = logEvent.Properties.TryGetValue("SourceContext", out var value) && value is ScalarValue { Value: string s } ? s : "";
        var exception = logEvent.Exception is { } ex ? $"{ex.GetType().Name}: {ex.Message}" : null;
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Message.Format(logEvent, text);
        buffer.Add(new LogEntry(logEvent.Timestamp, logEvent.Level.ToString(), source, text.ToString(), exception));
    }
}
