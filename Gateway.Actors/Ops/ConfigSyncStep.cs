using Gateway.Protocol.Configuration;

namespace Gateway.Actors.Ops;

/// <summary>One change of a sync as the owner answered it: <c>created</c>, <c>updated</c>, <c>deleted</c>, or why it was not.</summary>
/// <param name="Change">The change sent.</param>
/// <param name="Result">The owner's answer in a word or a sentence.</param>
/// <param name="Version">The version the owner gave it; null when the change was not applied.</param>
public sealed record ConfigSyncStep(DefinitionChange Change, string Result, long? Version);
