namespace Gateway.Protocol.Cluster;

/// <summary>An upsert or delete sent to a config entity; it may carry a deadline after which the entity must not apply it.</summary>
public interface IConfigCommand : IWithEntityKey
{
    /// <summary>
    /// Unix time in milliseconds after which the owner drops the command without persisting it (null: no deadline). The admin
    /// API sets it, so a write it answered 503 is never applied later.
    /// </summary>
    long? Deadline { get; }
}
