using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Actors.Routing;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Actors.ConfigStore;

/// <summary>Registry key of the config shard region (route and upstream entities).</summary>
public sealed class ConfigEntitiesKey;

/// <summary>Registry key of <c>/user/route-replica</c>.</summary>
internal sealed class RouteReplicaKey;

/// <summary>Registry key of <c>/user/config-bootstrap</c>, which applies the node's config file changes (<see cref="ApplyFileDefinitions"/>).</summary>
public sealed class ConfigFileKey;

/// <summary>Akka.Hosting registration of the cluster-owned config: journal, shard region, replica and bootstrap.</summary>
internal static class ConfigStoreExtensions
{
    /// <summary>Name of the shard region (<c>/system/sharding/routes</c>) holding both route and upstream entities.</summary>
    public const string RegionName = "routes";

    /// <summary>
    /// Adds the SQL journal (<see cref="SqlJournal"/>), the <c>routes</c> shard region (coordinator state in Distributed Data,
    /// no remember-entities), <c>/user/route-replica</c> and <c>/user/config-bootstrap</c>, which applies
    /// <paramref name="initial"/> (the node's HOCON definitions) as upserts after rehydration.
    /// Needs <see cref="AddGatewayRouting"/> first and a <see cref="ConfigReplicaStatus"/> in DI. With a
    /// <paramref name="record"/>, only the difference between <paramref name="initial"/> and what it recorded is applied.
    /// </summary>
    public static AkkaConfigurationBuilder AddGatewayConfigStore(this AkkaConfigurationBuilder builder, ConfigStoreSettings settings, GatewayDefinitions initial,
        AppliedFileRecord? record = null)
    {
        if (settings.Provider == "sqlite") PrepareSqlite(settings);
        builder.AddHocon(PersistenceConfig(settings), HoconAddMode.Append);
        builder.WithShardRegion<ConfigEntitiesKey>(RegionName, entityId => EntityProps(entityId, settings.WriteTimeout, settings.RepublishInterval),
            new ConfigEntityExtractor(settings.Shards),
            // Entities stay alive (one per definition, bounded by what operators define) so they keep re-announcing their state.
            new ShardOptions
            {
                StateStoreMode = StateStoreMode.DData, RememberEntities = false, HandOffStopMessage = ConfigEntity.StopMessage,
                ShouldPassivateIdleEntities = false,
            });
        return builder.WithActors((system, registry, resolver) =>
        {
            var status = resolver.GetService<ConfigReplicaStatus>();
            var replica = system.ActorOf(RouteReplicaActor.Props(registry.Get<RouteTableActorKey>(), status, settings.RepublishInterval), RouteReplicaActor.Name);
            registry.Register<RouteReplicaKey>(replica);
            var bootstrap = system.ActorOf(ConfigBootstrapActor.Props(registry.Get<ConfigEntitiesKey>(), replica, initial, settings.RetryInterval, record), "config-bootstrap");
            registry.Register<ConfigFileKey>(bootstrap);
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.RegisterOnMemberUp(() => system.ActorOf(JournalWarmupActor.Props(JournalWarmupActor.PersistenceIdOf(cluster.SelfAddress)), "journal-warmup"));
        });
    }

    /// <summary>Props of the entity named by <paramref name="entityId"/> (<c>route:ID</c> or <c>upstream:NAME</c>).</summary>
    public static Props EntityProps(string entityId, TimeSpan writeTimeout, TimeSpan republishInterval) =>
        entityId.StartsWith(EntityKeys.RoutePrefix, StringComparison.Ordinal)
            ? RouteEntity.Props(entityId[EntityKeys.RoutePrefix.Length..], writeTimeout, republishInterval)
            : UpstreamEntity.Props(entityId[EntityKeys.UpstreamPrefix.Length..], writeTimeout, republishInterval);

    /// <summary>Plugin id of the gateway's journal.</summary>
    public const string JournalPluginId = "akka.persistence.journal.gateway-sql";

    /// <summary>
    /// HOCON selecting <see cref="SqlJournal"/> as the journal, and no snapshot store: config entities take no snapshots
    /// (their histories are a few events per admin edit), and recovery asks the store for none.
    /// </summary>
    public static Config PersistenceConfig(ConfigStoreSettings settings)
    {
        var connection = Quote(settings.EffectiveConnectionString);
        var provider = Quote(settings.Provider);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "{{JournalPluginId}}"
                gateway-sql {
                  class = "{{typeof(SqlJournal).FullName}}, {{typeof(SqlJournal).Assembly.GetName().Name}}"
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  provider = {{provider}}
                  connection-string = {{connection}}
                  auto-initialize = on
                }
              }
              snapshot-store.plugin = "akka.persistence.no-snapshot-store"
            }
            """);
    }

    // WAL lets the processes of a local cluster that share one file read while another writes.
    private static void PrepareSqlite(ConfigStoreSettings settings)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(settings.SqlitePath)!);
        using var connection = new SqliteConnection(settings.EffectiveConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
