using Gateway.Actors.Ops;
using Gateway.Node.Ops;
using Serilog;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class LogBufferSinkTests
{
    [Fact]
    public void Sink_KeepsLevelSourceRenderedMessageAndException()
    {
        var buffer = new LogBuffer(10);
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new LogBufferSink(buffer)).CreateLogger())
        {
            logger.ForContext("SourceContext", "Gateway.Node.Ops.OpsHost").Warning("Ops connection from {Remote} refused: {Reason}", "10.0.0.1:5000", "no token");
            logger.Error(new InvalidOperationException("boom"), "Upstream {Upstream} failed after {Attempts} attempts", "users", 3);
        }

        var entries = buffer.Peek(10);
        Assert.Equal(new LogEntry(entries[0].Timestamp, "Warning", "Gateway.Node.Ops.OpsHost", "Ops connection from 10.0.0.1:5000 refused: no token", null), entries[0]);
        Assert.Equal(("Error", "", "Upstream users failed after 3 attempts", "InvalidOperationException: boom"),
            (entries[1].Level, entries[1].Source, entries[1].Message, entries[1].Exception));
    }
}
