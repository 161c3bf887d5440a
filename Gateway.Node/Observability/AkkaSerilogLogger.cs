using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Serilog.Core;
using LogEventLevel = Serilog.Events.LogEventLevel;

namespace Gateway.Node.Observability;

/// <summary>
/// Akka's logger (<c>akka.loggers</c>): writes Akka's log events to the node's own Serilog logger (resolved from the
/// node's services), binding Akka's numbered placeholders (<c>{0}</c>, <c>{1}</c>) by number as Serilog does, so every
/// value lands where the message names it.
/// </summary>
/// <remarks>
/// Replaces the Microsoft.Extensions.Logging bridge, which placed Akka's arguments in the wrong holes ("Node [] is
/// JOINING itself (with roles [1.0.0], version [akka.tcp://…])"). Akka.Logger.Serilog writes to the process-wide
/// <c>Log.Logger</c>, which cannot tell apart several nodes in one process (the tests), hence this small actor.
/// </remarks>
public sealed class AkkaSerilogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>Creates the logger writing to the node's registered <see cref="Serilog.ILogger"/> (the process-wide one without it).</summary>
    public AkkaSerilogLogger()
    {
        var logger = DependencyResolver.For(Context.System).Resolver.GetService<Serilog.ILogger>() ?? Serilog.Log.Logger;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<Akka.Event.LogEvent>(e => Write(logger, e));
    }

    /// <summary>Writes <paramref name="logEvent"/> to <paramref name="logger"/> with its class as the source context.</summary>
    public static void Write(Serilog.ILogger logger, Akka.Event.LogEvent logEvent)
    {
        var level = logEvent.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => LogEventLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => LogEventLevel.Information,
            Akka.Event.LogLevel.WarningLevel => LogEventLevel.Warning,
            _ => LogEventLevel.Error,
        };
        // A logger made from a string (Logging.GetLogger(system, "name")) has a placeholder class: name it by its source.
        var source = logEvent.LogClass is null || logEvent.LogClass.Name == "DummyClassForStringSources" ? logEvent.LogSource : logEvent.LogClass.FullName;
        var context = logger.ForContext(Constants.SourceContextPropertyName, source).ForContext("LogSource", logEvent.LogSource);
        if (!context.IsEnabled(level)) return;
        if (logEvent.Message is LogMessage message) context.Write(level, logEvent.Cause, message.Format, message.Parameters().ToArray());
        else context.Write(level, logEvent.Cause, "{Message:l}", logEvent.Message?.ToString());
    }
}
