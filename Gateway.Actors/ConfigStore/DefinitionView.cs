using System.Collections.Immutable;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// One node's monotonic view of a replicated set: per key the highest version seen, live (its JSON) or deleted (a
/// tombstone). An entry changes only for a higher version, so a snapshot that lacks an entry (akka.net #8219) or carries an
/// older one changes nothing; an entry leaves the live set only through a versioned delete.
/// </summary>
public sealed record DefinitionView(ImmutableSortedDictionary<string, DefinitionView.Entry> Entries)
{
    /// <summary>A view with no entries.</summary>
    public static readonly DefinitionView Empty = new(ImmutableSortedDictionary.Create<string, Entry>(StringComparer.Ordinal));

    /// <summary>The newest state of one key: its version and JSON, or null JSON for a deletion.</summary>
    public readonly record struct Entry(long Version, string? Json);

    /// <summary>The live entries (no tombstones), ordered by key.</summary>
    public IEnumerable<KeyValuePair<string, string>> Live =>
        Entries.Where(e => e.Value.Json is not null).Select(e => KeyValuePair.Create(e.Key, e.Value.Json!));

    /// <summary>The version this view holds for <paramref name="key"/> (live or deleted); 0 when unseen.</summary>
    public long VersionOf(string key) => Entries.TryGetValue(key, out var entry) ? entry.Version : 0;

    /// <summary>The JSON of <paramref name="key"/> when it is live here.</summary>
    public bool TryGetLive(string key, out string json)
    {
        json = Entries.TryGetValue(key, out var entry) ? entry.Json ?? "" : "";
        return json.Length > 0;
    }

    /// <summary>This view with every entry of <paramref name="replicated"/> whose version is higher than the one held.</summary>
    public DefinitionView Merge(IEnumerable<KeyValuePair<string, string>> replicated)
    {
        ImmutableSortedDictionary<string, Entry>.Builder? builder = null;
        foreach (var (key, value) in replicated)
        {
            if (Entries.TryGetValue(key, out var held) && ReferenceEquals(held.Json, value)) continue;
            var (version, json) = ReplicatedDefinitions.Decode(value);
            if (version <= held.Version) continue;
            builder ??= Entries.ToBuilder();
            builder[key] = new Entry(version, json);
        }
        return builder is null ? this : new DefinitionView(builder.ToImmutable());
    }
}
