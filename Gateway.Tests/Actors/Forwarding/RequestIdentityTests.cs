using Gateway.Actors.Forwarding;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Forwarding;

/// <summary>The traceparent the gateway starts when the client sent none (or an invalid one).</summary>
public sealed class RequestIdentityTests
{
    [Fact]
    public void TraceParent_WithoutClientHeader_StartsAValidSampledTraceWithFreshIds()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var traceParent = RequestIdentity.TraceParent(new DefaultHttpContext().Request);
            Assert.True(RequestIdentity.IsValidTraceParent(traceParent), traceParent);
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", traceParent);
            Assert.True(seen.Add(RequestIdentity.TraceId(traceParent)), "trace id repeated");
        }
    }

    [Fact]
    public void TraceParent_ValidClientHeader_IsPassedOn()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RequestIdentity.TraceParent(context.Request));
    }
}
