using Xunit;
using Gateway.Protocol.Routing;

namespace Gateway.Tests.Protocol.Routing;

public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("/files/{**rest}/more", "catch-all must be last")]
    [InlineData("/items/{id:number}", "unknown constraint 'number'")]
    [InlineData("/a/{id}/b/{ID}", "parameter 'ID' appears twice")]
    [InlineData("items/{id}", "must start with '/'")]
    [InlineData("", "must start with '/'")]
    [InlineData(null, "must start with '/'")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("/a/x{id}", "mixes text and a parameter")]
    [InlineData("/a/{1id}", "parameter name '1id'")]
    [InlineData("/a/{**rest:int}", "a catch-all takes no constraint")]
    [InlineData("/a/{id", "is not a parameter")]
    public void TryParse_InvalidTemplate_ReturnsErrorQuotingTemplate(string? text, string expectedError)
    {
        var ok = PathTemplate.TryParse(text, out var template, out var error);

        Assert.False(ok);
        Assert.Null(template);
        Assert.NotNull(error);
        Assert.Contains(expectedError, error);
        Assert.Contains($"'{text}'", error);
    }

    [Fact]
    public void TryParse_ValidTemplate_ParsesSegmentsInOrder()
    {
        Assert.True(PathTemplate.TryParse("/api/{version}/items/{id:int}/{**rest}", out var template, out var error));

        Assert.Null(error);
        Assert.Equal<PathSegment>(
            new PathSegment[]
            {
                new PathSegment(PathSegmentKind.Static, "api"),
                new PathSegment(PathSegmentKind.Parameter, "version"),
                new PathSegment(PathSegmentKind.Static, "items"),
                new PathSegment(PathSegmentKind.Parameter, "id", "int"),
                new PathSegment(PathSegmentKind.CatchAll, "rest"),
            },
            template!.Segments.ToArray());
        Assert.Equal(new[] { "version", "id", "rest" }, template.CaptureNames.ToArray());
        Assert.True(template.HasCatchAll);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/users/")]
    public void TryParse_RootOrTrailingSlash_Accepted(string text)
    {
        Assert.True(PathTemplate.TryParse(text, out var template, out _));
        Assert.False(template!.HasCatchAll);
    }

    [Fact]
    public void Parse_InvalidTemplate_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => PathTemplate.Parse("/{a}/{a}"));
}
