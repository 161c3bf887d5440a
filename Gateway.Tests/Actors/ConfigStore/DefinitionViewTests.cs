using CsCheck;
using Gateway.Actors.ConfigStore;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>A node's monotonic view: snapshots lacking entries (akka.net #8219) or older than the view change nothing.</summary>
public sealed class DefinitionViewTests
{
    private static string Live(string id, long version) => $"{{\"id\":\"{id}\",\"path\":\"/{id}\",\"version\":{version}}}";

    [Fact]
    public void Merge_ASnapshotLackingAnEntry_KeepsIt()
    {
        var view = DefinitionView.Empty.Merge([new("a", Live("a", 1)), new("b", Live("b", 3))]);
        var after = view.Merge([new("a", Live("a", 1))]);
        Assert.True(after.TryGetLive("b", out _));
        Assert.Same(view, after);
    }

    [Fact]
    public void Merge_OnlyATombstone_RemovesAnEntry_AndAnOlderPutDoesNotBringItBack()
    {
        var view = DefinitionView.Empty.Merge([new("a", Live("a", 1))]).Merge([new("a", ReplicatedDefinitions.Tombstone(2))]);
        Assert.False(view.TryGetLive("a", out _));
        Assert.Empty(view.Merge([new("a", Live("a", 1))]).Live);
        Assert.Equal(2, view.VersionOf("a"));
        Assert.True(view.Merge([new("a", Live("a", 3))]).TryGetLive("a", out _));
    }

    [Fact]
    public void Merge_SnapshotsInAnyOrderWithEntriesMissing_NeverGoesBack_AndEndsAtTheNewest()
    {
        // Each key has a history of versions (odd: put, even: delete); each snapshot holds some keys at some version.
        var snapshots = Gen.Select(Gen.Int[0, 4], Gen.Int[1, 8], Gen.Bool, (key, version, present) => (Key: "k" + key, Version: (long)version, Present: present))
            .Array[0, 5].Array[1, 12];
        snapshots.Sample(list =>
        {
            var view = DefinitionView.Empty;
            var newest = new Dictionary<string, long>();
            foreach (var snapshot in list)
            {
                var entries = snapshot.Where(e => e.Present).GroupBy(e => e.Key).Select(g => g.First())
                    .Select(e => KeyValuePair.Create(e.Key, e.Version % 2 == 1 ? Live(e.Key, e.Version) : ReplicatedDefinitions.Tombstone(e.Version))).ToList();
                var next = view.Merge(entries);
                foreach (var (key, entry) in view.Entries) if (next.VersionOf(key) < entry.Version) return false;
                foreach (var (key, value) in entries) newest[key] = Math.Max(newest.GetValueOrDefault(key), ReplicatedDefinitions.Decode(value).Version);
                view = next;
            }
            return newest.All(kv => view.VersionOf(kv.Key) == kv.Value && view.TryGetLive(kv.Key, out _) == (kv.Value % 2 == 1));
        }, iter: 2000, threads: 1);
    }

    [Theory]
    [InlineData("live definition", "{\"id\":\"a\",\"version\":4}", 4, true)]
    [InlineData("tombstone", "{\"deleted\":true,\"version\":5}", 5, false)]
    [InlineData("not JSON", "nope", 0, false)]
    public void Decode_ReadsVersionAndWhetherLive(string name, string value, long version, bool live)
    {
        var (decodedVersion, json) = ReplicatedDefinitions.Decode(value);
        Assert.True(decodedVersion == version && (json is not null) == live, name);
    }
}
