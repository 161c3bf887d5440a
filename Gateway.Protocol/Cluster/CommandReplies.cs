using System.Collections.Immutable;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;

namespace Gateway.Protocol.Cluster;

/// <summary>What a config entity answers to an upsert or delete command.</summary>
public interface ICommandReply : IGatewayMessage;

/// <summary>Reply of a route entity: the route is stored and replicated with the version it now has.</summary>
public sealed record RouteAccepted(RouteDefinition Route, bool Created) : ICommandReply;

/// <summary>Reply of an upstream entity: the upstream is stored and replicated with the version it now has.</summary>
public sealed record UpstreamAccepted(UpstreamDefinition Upstream, bool Created) : ICommandReply;

/// <summary>Reply of a config entity to a delete: the definition is gone; <paramref name="Version"/> is the version of the deletion.</summary>
public sealed record DefinitionDeleted(string EntityKey, long Version) : ICommandReply;

/// <summary>Reply of a config entity: the definition is invalid; nothing was stored.</summary>
public sealed record ValidationRejected(ImmutableArray<ValidationError> Errors) : ICommandReply;

/// <summary>Reply of a config entity: the command expected another version than <paramref name="CurrentVersion"/> (0 when absent).</summary>
public sealed record VersionConflict(long CurrentVersion) : ICommandReply;

/// <summary>Reply of a config entity to a delete of a definition that does not exist.</summary>
public sealed record DefinitionNotFound(string EntityKey) : ICommandReply;

/// <summary>Reply of an upstream entity to a delete while routes still point at the upstream.</summary>
public sealed record UpstreamInUse(string Name, ImmutableArray<string> RouteIds) : ICommandReply;

/// <summary>
/// Reply of a config entity: the command was not applied and never will be (its deadline had passed, or this node may not
/// write: it is not an Up member that reaches a majority, or it has just resumed from a pause).
/// </summary>
public sealed record CommandNotApplied(string EntityKey, string Reason) : ICommandReply;

/// <summary>
/// First reply of a config entity to a command that carries a deadline and an id: it passed the deadline check and is
/// being stored. Its outcome is then only answered to <see cref="GetCommandOutcome"/> (queued behind the store), so that
/// a store slower than the sender's wait is never mistaken for "not applied".
/// </summary>
public sealed record CommandInProgress(string EntityKey, Guid CommandId) : ICommandReply;
