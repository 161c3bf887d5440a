using System.Collections.Immutable;

namespace Gateway.Actors.Ops;

/// <summary>One cluster member as the ops palettes show it.</summary>
/// <param name="Address">The member's address, e.g. <c>akka.tcp://gateway@10.0.0.1:4053</c>.</param>
/// <param name="Status">Akka membership status: Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed.</param>
/// <param name="Roles">Cluster roles.</param>
/// <param name="Reachable">False when some member's failure detector marks it unreachable.</param>
internal sealed record MemberView(string Address, string Status, ImmutableArray<string> Roles, bool Reachable);
