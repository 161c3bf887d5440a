using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// The gateway's Akka.Persistence journal: route and upstream events in one SQL table (<see cref="JournalSchema"/>),
/// over ADO.NET with Microsoft.Data.Sqlite or Npgsql.
/// </summary>
/// <remarks>
/// Written by hand in place of Akka.Persistence.Sql, the only SQL journal in our package registry: that plugin brings
/// linq2db and LanguageExt into every start, which were a quarter of the node's JIT-compiled methods (4,900 of 19,700,
/// 2.1 MB of 5.6 MB of code) and ~10 MB of assembly images, for the five statements the gateway needs
/// (ops/bench/RESULTS.md, issue 12). It reads and writes that plugin's tables and payload format, so existing journals
/// are kept. A batch is stored in one transaction, so a write that collides with a newer event of the same persistence
/// id (the unique key a stale owner runs into) fails the batch and stores none of it. The database work runs on the
/// thread pool, off the dispatcher: Microsoft.Data.Sqlite's async methods complete synchronously.
/// </remarks>
internal sealed class SqlJournal : AsyncWriteJournal
{
    private readonly JournalSchema _schema;
    private readonly bool _autoInitialize;
    private readonly ExtendedActorSystem _system;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly object _initializing = new();
    private Task? _initialized;

    /// <summary>The plugin over the config at its plugin id: <c>provider</c>, <c>connection-string</c>, <c>auto-initialize</c>.</summary>
    public SqlJournal(Config config)
    {
        _schema = new JournalSchema(config.GetString("provider"), config.GetString("connection-string"));
        _autoInitialize = config.GetBoolean("auto-initialize", true);
        _system = (ExtendedActorSystem)Context.System;
        _serialization = _system.Serialization;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        base.PreStart();
        _ = Initialized();
    }

    /// <inheritdoc />
    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var results = ImmutableList.CreateBuilder<Exception?>();
        var created = DateTime.UtcNow.Ticks;
        foreach (var write in messages)
        {
            try
            {
                var events = ((IImmutableList<IPersistentRepresentation>)write.Payload).Select(e => Serialize(e, created)).ToList();
                rows.AddRange(events);
                results.Add(null);
            }
            catch (Exception e)
            {
                // Not serializable: this write is rejected (its actor goes on), the others in the batch are stored.
                results.Add(e);
            }
        }
        await Initialized();
        await Task.Run(() => InsertAsync(rows, cancellationToken), cancellationToken);
        return results.All(r => r is null) ? null! : results.ToImmutable();
    }

    /// <inheritdoc />
    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        await Initialized();
        var rows = await Task.Run(() => ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, max));
        foreach (var row in rows) recoveryCallback(Deserialize(persistenceId, row));
    }

    /// <inheritdoc />
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await Initialized();
        return await Task.Run(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, JournalSchema.Highest, ("pid", persistenceId));
            return await command.ExecuteScalarAsync(cancellationToken) is { } highest and not DBNull ? Convert.ToInt64(highest) : 0L;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await Initialized();
        await Task.Run(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var sql in new[] { JournalSchema.MarkDeleted, JournalSchema.PurgeDeleted })
            {
                await using var command = Command(connection, sql, ("pid", persistenceId), ("to", toSequenceNr), ("deleted", true));
                command.Transaction = transaction;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Answers <see cref="GetPersistenceIds"/> with <see cref="PersistenceIds"/>, or a <see cref="Status.Failure"/>.</summary>
    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not GetPersistenceIds) return false;
        ReadPersistenceIds().PipeTo(Sender, success: ids => new PersistenceIds(ids), failure: e => new Status.Failure(e));
        return true;
    }

    private async Task<IImmutableList<string>> ReadPersistenceIds()
    {
        await Initialized();
        return await Task.Run(async () =>
        {
            await using var connection = await OpenAsync(CancellationToken.None);
            await using var command = Command(connection, JournalSchema.PersistenceIds);
            await using var reader = await command.ExecuteReaderAsync();
            var ids = ImmutableList.CreateBuilder<string>();
            while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
            return (IImmutableList<string>)ids.ToImmutable();
        });
    }

    // Creates the table on first use; a failed attempt (database down) is tried again by the next operation. Replays run
    // on the thread pool (the base class calls them after reading the highest sequence number), hence the lock.
    private Task Initialized()
    {
        lock (_initializing)
        {
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
                _initialized = _autoInitialize ? Task.Run(CreateTablesAsync) : Task.CompletedTask;
            return _initialized;
        }
    }

    private async Task CreateTablesAsync()
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = Command(connection, _schema.CreateTables);
        await command.ExecuteNonQueryAsync();
    }

    private async Task InsertAsync(List<Row> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var row in rows)
        {
            await using var command = Command(connection, JournalSchema.Insert, ("created", row.Created), ("deleted", false), ("pid", row.PersistenceId),
                ("seq", row.SequenceNr), ("message", row.Message), ("manifest", row.Manifest), ("identifier", row.Identifier), ("writer", row.WriterUuid));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<List<Row>> ReadAsync(string persistenceId, long from, long to, long max)
    {
        var rows = new List<Row>();
        if (max <= 0) return rows;
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = Command(connection, JournalSchema.Replay, ("pid", persistenceId), ("deleted", false), ("from", from), ("to", to), ("max", max));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(persistenceId, reader.GetInt64(0), reader.GetInt64(1), (byte[])reader.GetValue(2),
                reader.IsDBNull(3) ? "" : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _schema.NewConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    // As Akka.Persistence.Sql stores an event: the payload's own serializer, its id and manifest, the writer's id.
    private Row Serialize(IPersistentRepresentation e, long created)
    {
        if (e.Payload is Tagged)
            throw new NotSupportedException($"the gateway journal does not store tags (event {e.Payload.GetType().Name} of {e.PersistenceId})");
        var serializer = _serialization.FindSerializerFor(e.Payload);
        var bytes = Akka.Serialization.Serialization.WithTransport(_system, () => serializer.ToBinary(e.Payload));
        return new Row(e.PersistenceId, e.SequenceNr, created, bytes, Akka.Serialization.Serialization.ManifestFor(serializer, e.Payload),
            serializer.Identifier, e.WriterGuid);
    }

    private Persistent Deserialize(string persistenceId, Row row)
    {
        if (row.Identifier is not { } identifier)
            throw new InvalidOperationException($"journal row {persistenceId} #{row.SequenceNr} names no serializer");
        var payload = _serialization.Deserialize(row.Message, identifier, row.Manifest);
        return new Persistent(payload, row.SequenceNr, persistenceId, string.Empty, false, ActorRefs.NoSender, row.WriterUuid, row.Created);
    }

    private sealed record Row(string PersistenceId, long SequenceNr, long Created, byte[] Message, string Manifest, int? Identifier, string? WriterUuid);

    /// <summary>Sent to the journal (by <see cref="ConfigBootstrapActor"/>) for every persistence id it holds.</summary>
    public sealed record GetPersistenceIds
    {
        /// <summary>The only instance.</summary>
        public static readonly GetPersistenceIds Instance = new();
    }

    /// <summary>The journal's answer to <see cref="GetPersistenceIds"/>.</summary>
    public sealed record PersistenceIds(IImmutableList<string> Ids);
}
