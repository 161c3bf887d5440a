namespace Gateway.Actors.Ops;

/// <summary>One log event of this node as <c>log peek</c> and <c>log tail</c> show it, already rendered.</summary>
/// <param name="Timestamp">When it was logged.</param>
/// <param name="Level">Serilog level name, e.g. <c>Information</c>.</param>
/// <param name="Source">The logger's source context (class or Akka log source), empty when unknown.</param>
/// <param name="Message">The rendered message.</param>
/// <param name="Exception">The exception's type and message, or null.</param>
public sealed record LogEntry(DateTimeOffset Timestamp, string Level, string Source, string Message, string? Exception);
