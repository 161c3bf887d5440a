using CsCheck;
using Gateway.Actors.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.Upstreams;

/// <summary>
/// <see cref="Breaker.Next"/> driven by generated event sequences, checked against a small model of what the hot path
/// and the endpoint actor do: requests start (closed: a ticket; half-open: a trial) and finish in any order, local and
/// remote trips arrive at any time, and the half-open timer fires for the epoch it was armed in.
/// </summary>
public sealed class BreakerTests
{
    private enum Op
    {
        Start,
        FinishOk,
        FinishFailed,
        LocalTrip,
        StaleTrip,
        RemoteTrip,
        TimerFires,
    }

    private static readonly Gen<BreakerPolicy> Policies =
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 2000], Gen.Int[0, 60_000], (trials, baseMs, extraMs) =>
            new BreakerPolicy(3, 0.5, 10, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(baseMs),
                TimeSpan.FromMilliseconds(baseMs + extraMs), trials));

    private static readonly Gen<(BreakerPolicy Policy, Op[] Ops, int[] Picks)> Cases =
        Gen.Select(Policies, Gen.Enum<Op>().Array[1, 300], Gen.Int[0, 1000].Array[300]);

    [Fact]
    public void GeneratedSequences_KeepTheInvariants()
    {
        Cases.Sample(c =>
        {
            var (policy, ops, picks) = c;
            var s = BreakerSnapshot.Initial;
            var inFlight = new List<EndpointTicket>();
            int? armed = null; // epoch of the pending half-open timer, as the actor keeps it
            for (var i = 0; i < ops.Length; i++)
            {
                var before = s;
                BreakerStep step;
                switch (ops[i])
                {
                    case Op.Start:
                        if (s.State == BreakerState.Closed)
                        {
                            inFlight.Add(new EndpointTicket(s.Epoch, false));
                            continue;
                        }
                        step = Breaker.Next(s, BreakerEvent.TrialRequested.Instance, policy);
                        if (step.Granted) inFlight.Add(new EndpointTicket(step.State.Epoch, true));
                        break;
                    case Op.FinishOk or Op.FinishFailed when inFlight.Count > 0:
                        var index = picks[i] % inFlight.Count;
                        var ticket = inFlight[index];
                        inFlight.RemoveAt(index);
                        var ok = ops[i] == Op.FinishOk;
                        if (ticket.Trial) step = Breaker.Next(s, new BreakerEvent.TrialFinished(ticket.Epoch, ok), policy);
                        else if (!ok) step = Breaker.Next(s, new BreakerEvent.Trip(ticket.Epoch), policy); // threshold reached by this failure
                        else continue;
                        break;
                    case Op.LocalTrip:
                        step = Breaker.Next(s, new BreakerEvent.Trip(s.Epoch), policy);
                        break;
                    case Op.StaleTrip:
                        step = Breaker.Next(s, new BreakerEvent.Trip(s.Epoch - 1 - picks[i] % 3), policy);
                        Assert.Same(s, step.State); // a failure from an earlier epoch moves nothing
                        break;
                    case Op.RemoteTrip:
                        step = Breaker.Next(s, new BreakerEvent.Trip(0, Remote: true), policy);
                        if (before.State == BreakerState.Open)
                        {
                            Assert.Same(before, step.State); // idempotent: no extra trip
                            Assert.Null(step.OpenFor); // and no re-armed timer
                        }
                        Assert.False(step.Announce);
                        break;
                    case Op.TimerFires when armed is { } epoch:
                        step = Breaker.Next(s, new BreakerEvent.EjectionOver(epoch), policy);
                        armed = null;
                        break;
                    default:
                        continue;
                }

                s = step.State;
                if (step.OpenFor is { } openFor)
                {
                    Assert.Equal(BreakerState.Open, s.State);
                    Assert.InRange(openFor, TimeSpan.FromTicks(Math.Min(policy.BaseEjection.Ticks, policy.MaxEjection.Ticks)), policy.MaxEjection);
                    armed = s.Epoch;
                }
                else if (s.State == BreakerState.Open)
                {
                    Assert.Equal(BreakerState.Open, before.State); // every way into Open arms a timer
                }

                // Open always ends: a timer is armed for the epoch it opened in.
                if (s.State == BreakerState.Open) Assert.Equal(s.Epoch, armed);
                // Never more trials than configured, in flight or per half-open period.
                var trials = inFlight.Count(t => t.Trial);
                Assert.Equal(trials, s.TrialsInFlight);
                Assert.InRange(trials, 0, policy.HalfOpenTrials);
                Assert.InRange(s.TrialsStarted, 0, policy.HalfOpenTrials);
                if (s.State == BreakerState.Closed) Assert.Equal(0, s.Trips);
                if (s.State != before.State) Assert.True(s.Epoch > before.Epoch);
            }

            // Liveness: whatever state the sequence left, finishing what is in flight, letting the timer fire and
            // sending good trials closes the breaker.
            foreach (var ticket in inFlight.Where(t => t.Trial))
            {
                var finished = Breaker.Next(s, new BreakerEvent.TrialFinished(ticket.Epoch, true), policy);
                s = finished.State;
                if (finished.OpenFor is not null) armed = s.Epoch;
            }
            if (s.State == BreakerState.Open) s = Breaker.Next(s, new BreakerEvent.EjectionOver(armed!.Value), policy).State;
            for (var n = 0; s.State == BreakerState.HalfOpen && n < policy.HalfOpenTrials; n++)
            {
                var granted = Breaker.Next(s, BreakerEvent.TrialRequested.Instance, policy);
                Assert.True(granted.Granted, "a half-open breaker with nothing in flight grants its trials");
                s = Breaker.Next(granted.State, new BreakerEvent.TrialFinished(granted.State.Epoch, true), policy).State;
            }
            Assert.Equal(BreakerState.Closed, s.State);
        }, iter: 600);
    }

    [Fact]
    public void RemoteEjection_OfAnOpenEndpoint_IsIdempotent()
    {
        var policy = new BreakerPolicy(3, 0.5, 10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 2);
        var opened = Breaker.Next(BreakerSnapshot.Initial, new BreakerEvent.Trip(0), policy);
        Assert.Equal(TimeSpan.FromSeconds(5), opened.OpenFor);
        Assert.True(opened.Announce);

        var again = Breaker.Next(opened.State, new BreakerEvent.Trip(0, Remote: true), policy);
        Assert.Same(opened.State, again.State);
        Assert.Null(again.OpenFor);
        Assert.Equal(1, again.State.Trips);
    }

    [Fact]
    public void RequestsSentBeforeTheTrip_AreNotTrials()
    {
        var policy = new BreakerPolicy(3, 0.5, 10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 2);
        var closedEpoch = BreakerSnapshot.Initial.Epoch;
        var open = Breaker.Next(BreakerSnapshot.Initial, new BreakerEvent.Trip(closedEpoch), policy).State;
        var halfOpen = Breaker.Next(open, new BreakerEvent.EjectionOver(open.Epoch), policy).State;
        Assert.Equal(BreakerState.HalfOpen, halfOpen.State);

        // Two requests sent while closed fail and succeed now: neither reopens nor closes the breaker.
        Assert.Same(halfOpen, Breaker.Next(halfOpen, new BreakerEvent.Trip(closedEpoch), policy).State);
        var s = halfOpen;
        for (var i = 0; i < 5; i++) s = Breaker.Next(s, new BreakerEvent.TrialFinished(closedEpoch, true), policy).State;
        Assert.Equal(BreakerState.HalfOpen, s.State);
        Assert.Equal(0, s.TrialSuccesses);
        Assert.True(Breaker.Next(s, BreakerEvent.TrialRequested.Instance, policy).Granted);
    }
}
