using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// The journal's tables and connections for SQLite and PostgreSQL. The tables are the ones Akka.Persistence.Sql 1.5
/// (linq2db) created with its default table mapping (<c>journal</c>, unique on persistence id and sequence number), column
/// for column, so a journal written by earlier releases of the gateway is read as it is and a node rolled back to one
/// still reads what this one wrote. The DDL below was taken from the tables that plugin made (SQLite's
/// <c>sqlite_master</c>, <c>pg_dump -s</c> of PostgreSQL 15); the <c>tags</c> and <c>snapshot</c> tables it also made are
/// not used: the gateway tags nothing and takes no snapshots.
/// </summary>
internal sealed class JournalSchema
{
    private const string SqliteTables = """
        CREATE TABLE IF NOT EXISTS [journal]
        (
        	[ordering]        INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
        	[created]         INTEGER        NOT NULL,
        	[deleted]         Bit            NOT NULL,
        	[persistence_id]  NVarChar(255)  NOT NULL,
        	[sequence_number] INTEGER        NOT NULL,
        	[message]         VarBinary      NOT NULL,
        	[manifest]        NVarChar(500)      NULL,
        	[identifier]      INTEGER            NULL,
        	[writer_uuid]     NVarChar(128)      NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS journal_uq ON journal (persistence_id, sequence_number);
        CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created);
        CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number);
        """;

    private const string PostgresTables = """
        CREATE TABLE IF NOT EXISTS journal (
            ordering bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT "PK_journal" PRIMARY KEY,
            created bigint NOT NULL,
            deleted boolean NOT NULL,
            persistence_id text NOT NULL,
            sequence_number bigint NOT NULL,
            message bytea NOT NULL,
            manifest text,
            identifier integer,
            writer_uuid text,
            CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number)
        );
        CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created);
        CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number);
        """;

    /// <summary>Inserts one event; <c>ordering</c> is the table's own.</summary>
    public const string Insert = """
        INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
        VALUES (@created, @deleted, @pid, @seq, @message, @manifest, @identifier, @writer)
        """;

    /// <summary>The events of one persistence id in a range, not deleted, in order, at most <c>@max</c>.</summary>
    public const string Replay = """
        SELECT sequence_number, created, message, manifest, identifier, writer_uuid FROM journal
        WHERE persistence_id = @pid AND deleted = @deleted AND sequence_number >= @from AND sequence_number <= @to
        ORDER BY sequence_number LIMIT @max
        """;

    /// <summary>The highest sequence number of one persistence id, deleted rows included (null: none).</summary>
    public const string Highest = "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = @pid";

    /// <summary>Marks the events up to <c>@to</c> deleted.</summary>
    public const string MarkDeleted = "UPDATE journal SET deleted = @deleted WHERE persistence_id = @pid AND sequence_number <= @to";

    /// <summary>
    /// Removes the marked rows but the highest one, which keeps the persistence id's highest sequence number: an actor
    /// whose events are all deleted must not number its next event 1 again.
    /// </summary>
    public const string PurgeDeleted = """
        DELETE FROM journal WHERE persistence_id = @pid AND sequence_number <= @to
        AND sequence_number < (SELECT MAX(sequence_number) FROM journal WHERE persistence_id = @pid)
        """;

    /// <summary>Every persistence id in the journal.</summary>
    public const string PersistenceIds = "SELECT DISTINCT persistence_id FROM journal";

    private readonly bool _postgres;
    private readonly string _connectionString;

    /// <summary>The schema for <paramref name="provider"/> (<c>sqlite</c> or <c>postgresql</c>) at <paramref name="connectionString"/>.</summary>
    public JournalSchema(string provider, string connectionString)
    {
        if (provider is not ("sqlite" or "postgresql"))
            throw new ArgumentException($"journal provider '{provider}' is not one of sqlite, postgresql", nameof(provider));
        _postgres = provider == "postgresql";
        _connectionString = connectionString;
    }

    /// <summary>The statements creating the journal table and its indexes when they do not exist.</summary>
    public string CreateTables => _postgres ? PostgresTables : SqliteTables;

    /// <summary>A new, unopened connection (pooled by the provider).</summary>
    public DbConnection NewConnection() => _postgres ? NewPostgresConnection(_connectionString) : new SqliteConnection(_connectionString);

    // Its own method, so that a SQLite node never loads Npgsql.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection NewPostgresConnection(string connectionString) => new NpgsqlConnection(connectionString);
}
