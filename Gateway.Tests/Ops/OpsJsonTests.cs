using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>Tables as <c>--json</c> and the admin API print them: camelCase keys, typed values.</summary>
public sealed class OpsJsonTests
{
    [Theory]
    [InlineData("in-flight", "inFlight")]
    [InlineData("load-balancing", "loadBalancing")]
    [InlineData("p50 ms", "p50Ms")]
    [InlineData("req/s", "reqS")]
    [InlineData("address", "address")]
    public void CamelCase_ColumnNames(string column, string key) => Assert.Equal(key, OpsJson.CamelCase(column));

    [Fact]
    public void Rows_TypedColumns_NumbersAndBooleans()
    {
        var frame = OpsFrame.Table("t", ["name", "in-flight", "healthy", "version"], [["007", "3", "yes", "-"], ["b", "0", "no", "2"]]).Typed("snbn");

        var rows = OpsJson.Rows(frame);

        Assert.Equal("""[{"name":"007","inFlight":3,"healthy":true,"version":null},{"name":"b","inFlight":0,"healthy":false,"version":2}]""", rows.ToJsonString());
    }
}
