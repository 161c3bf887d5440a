using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>The record of what a node's file said: accepted changes are recorded, refused ones are tried again next time.</summary>
public sealed class DefinitionChangesTests
{
    private static readonly UpstreamDefinition U = new() { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://u" }] };
    private static readonly RouteDefinition R = new() { Id = "r", Path = "/file/{**rest}", Upstream = "u" };

    [Fact]
    public void Record_AcceptedChangesOfAFile_MakeTheNextChangeSetEmpty()
    {
        var file = new GatewayDefinitions([U], [R]);
        var record = GatewayDefinitions.Empty;
        foreach (var command in DefinitionChanges.Between(record, file))
        {
            ICommandReply reply = command switch
            {
                UpsertUpstream u => new UpstreamAccepted(u.Upstream with { Version = 1 }, Created: true),
                UpsertRoute r => new RouteAccepted(r.Route with { Version = 1 }, Created: true),
                _ => throw new InvalidOperationException(command.ToString()),
            };
            record = DefinitionChanges.Record(record, command, reply);
        }
        Assert.Empty(DefinitionChanges.Between(record, file));

        // An edit through the admin API does not touch the record: an unchanged file still gives no change.
        var moved = new GatewayDefinitions([U], [R with { Path = "/moved/{**rest}" }]);
        var change = Assert.Single(DefinitionChanges.Between(record, moved));
        record = DefinitionChanges.Record(record, change, new RouteAccepted(R with { Path = "/moved/{**rest}", Version = 2 }, Created: false));
        Assert.Equal("/moved/{**rest}", Assert.Single(record.Routes).Path);
        Assert.Empty(DefinitionChanges.Between(record, moved));
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("already gone")]
    public void Record_DeleteTakenByTheOwner_ForgetsTheDefinition(string answer)
    {
        var record = new GatewayDefinitions([U], [R]);
        var command = Assert.Single(DefinitionChanges.Between(record, new GatewayDefinitions([U], [])));
        ICommandReply reply = answer == "deleted" ? new DefinitionDeleted(EntityKeys.Route("r"), 3) : new DefinitionNotFound(EntityKeys.Route("r"));
        Assert.True(DefinitionChanges.IsAccepted(command, reply));
        Assert.Empty(DefinitionChanges.Record(record, command, reply).Routes);
    }

    [Fact]
    public void Record_RefusedChange_StaysUnrecordedAndIsInTheNextChangeSet()
    {
        var record = new GatewayDefinitions([U], [R]);
        var file = new GatewayDefinitions([U], [R with { Path = "/bad" }]);
        var command = Assert.Single(DefinitionChanges.Between(record, file));
        ICommandReply refusal = new ValidationRejected([new ValidationError("path", "is wrong")]);
        Assert.False(DefinitionChanges.IsAccepted(command, refusal));
        Assert.Same(record, DefinitionChanges.Record(record, command, refusal));
        Assert.Single(DefinitionChanges.Between(record, file));
    }

    [Fact]
    public void AppliedFileRecord_RoundTripsAndIsMissingBeforeTheFirstSave()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-record-");
        try
        {
            var record = new AppliedFileRecord(Path.Combine(dir.FullName, "applied-config.remote-4053.json"));
            Assert.Null(record.Load());
            var saved = new GatewayDefinitions([U with { Version = 4 }], [R]);
            record.Save(saved);
            var loaded = record.Load()!;
            Assert.Empty(DefinitionChanges.Between(loaded, saved));
            Assert.Equal(0, Assert.Single(loaded.Upstreams).Version);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
