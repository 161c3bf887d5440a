using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Gateway.Actors.Routing;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Actors.ConfigStore;

/// <summary>Registry key of the config shard region (route and upstream entities).</summary>
public sealed class ConfigEntitiesKey;

/// <summary>Registry key of <c>/user/route-replica</c>.</summary>
public sealed class RouteReplicaKey;

/// <summary>Registry key of <c>/user/config-bootstrap</c>, which applies the node's config file changes (<see cref="ApplyFileDefinitions"/>).</summary>
public sealed class ConfigFileKey;

/// <summary>Akka.Hosting registration of the cluster-owned config: journal, shard region, replica and bootstrap.</summary>
public static class ConfigStoreExtensions
{
    /// <summary>Name of the shard region (<c>/system/sharding/routes</c>) holding both route and upstream entities.</summary>
    public const string RegionName = "routes";

    /// <summary>
    /// Adds the SQL journal and snapshot store, the <c>routes</c> shard region (coordinator state in Distributed Data,
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
        builder.AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
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

    /// <summary>HOCON selecting Akka.Persistence.Sql for the journal, the snapshot store and the read journal.</summary>
    public static Config PersistenceConfig(ConfigStoreSettings settings)
    {
        var connection = Quote(settings.EffectiveConnectionString);
        var provider = Quote(settings.ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql { connection-string = {{connection}}, provider-name = {{provider}}, auto-initialize = on }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql { connection-string = {{connection}}, provider-name = {{provider}}, auto-initialize = on }
              }
              query.journal.sql {
                connection-string = {{connection}}, provider-name = {{provider}}, write-plugin = "akka.persistence.journal.sql"
                # The read journal's sequence actor polls the journal's highest ordering every query-delay (1s), for
                # events-by-tag and all-events queries, for the node's whole life: a SQL query through linq2db and a
                # materialized stream each second, most of an idle member's CPU (issue 15). The node only ever runs
                # CurrentPersistenceIds, once per bootstrap, which does not use it.
                journal-sequence-retrieval { query-delay = 10m, max-backoff-query-delay = 10m }
              }
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
