using System.Threading.Channels;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The backpressured admission pipeline of one upstream: at most <see cref="MaxInFlight"/> requests forward at once.
/// A request that finds a free slot and nobody waiting goes at once (one Interlocked step); otherwise it enters a bounded
/// queue feeding an Akka.Streams graph, which owns the queue, its bound and the shedding: a request that finds the
/// queue full is refused at once (shed).
/// </summary>
/// <remarks>
/// The queue is a bounded <see cref="Channel{T}"/> read by <see cref="ChannelSource"/>: unlike Source.Queue it accepts
/// writes from many Kestrel threads at once. The graph only admits (<see cref="AdmissionSink"/>): the request then
/// forwards on its own Kestrel task and hands its slot back through <see cref="Release"/>, a lock-free counter.
/// </remarks>
public sealed class UpstreamPipeline
{
    private readonly Channel<ProxyRequest> _queue;
    private int _free;
    private int _waiting;
    private readonly int _maxWaiting;
    private volatile Action? _wake;
    private volatile bool _completed;

    /// <summary>Creates the queue; nothing is admitted until <see cref="Run"/> materializes the graph.</summary>
    public UpstreamPipeline(int maxInFlight, int maxQueued)
    {
        MaxInFlight = maxInFlight;
        MaxQueued = maxQueued;
        _free = maxInFlight;
        // The bound is kept by counting waiters (max-queued = 0 still lets one wait, as a channel needs room for one);
        // the channel has room for one more, the request the graph may hold while a request admitted at once took the slot.
        _maxWaiting = Math.Max(1, maxQueued);
        _queue = Channel.CreateBounded<ProxyRequest>(new BoundedChannelOptions(_maxWaiting + 1)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Most requests admitted at once.</summary>
    public int MaxInFlight { get; }

    /// <summary>Most requests waiting for admission.</summary>
    public int MaxQueued { get; }

    /// <summary>Requests waiting for admission now.</summary>
    public int QueueDepth => Volatile.Read(ref _waiting);

    /// <summary>Requests admitted and not yet finished.</summary>
    public int Admitted => MaxInFlight - Volatile.Read(ref _free);

    internal bool HasFreeSlot => Volatile.Read(ref _free) > 0;

    /// <summary>Takes a free slot for a queued request; false when a request admitted at once took the last one first.</summary>
    internal bool TryTakeSlot()
    {
        var free = Volatile.Read(ref _free);
        while (free > 0)
        {
            var seen = Interlocked.CompareExchange(ref _free, free - 1, free);
            if (seen == free) return true;
            free = seen;
        }
        return false;
    }

    /// <summary>
    /// Admits <paramref name="request"/> at once when a slot is free and no request waits; else queues it; else (queue
    /// full or closed) the caller sheds it.
    /// </summary>
    internal Admission TryAdmit(ProxyRequest request)
    {
        if (Volatile.Read(ref _waiting) == 0 && !_completed)
        {
            var free = Volatile.Read(ref _free);
            while (free > 0)
            {
                var seen = Interlocked.CompareExchange(ref _free, free - 1, free);
                if (seen == free)
                {
                    request.AdmitDirectly(this);
                    return Admission.Admitted;
                }
                free = seen;
            }
        }
        return TryEnqueue(request) ? Admission.Queued : Admission.Shed;
    }

    /// <summary>Queues <paramref name="request"/> for the graph to admit; false when the queue is full or closed, and the caller sheds it.</summary>
    internal bool TryEnqueue(ProxyRequest request)
    {
        request.PrepareToQueue();
        if (Interlocked.Increment(ref _waiting) <= _maxWaiting && _queue.Writer.TryWrite(request)) return true;
        Interlocked.Decrement(ref _waiting);
        return false;
    }

    /// <summary>Stops taking requests; the graph admits what is queued and then completes.</summary>
    public void Complete()
    {
        _completed = true;
        _queue.Writer.TryComplete();
    }

    /// <summary>Admits whatever is still queued without waiting for a slot; used when the pipeline's owner stops.</summary>
    public void AdmitRemaining()
    {
        while (_queue.Reader.TryRead(out var request)) AdmitWithoutSlot(request);
    }

    internal void AdmitWithoutSlot(ProxyRequest request)
    {
        Interlocked.Decrement(ref _free);
        AdmitQueued(request);
    }

    /// <summary>Materializes the admission graph; the task completes when the queue is completed and drained.</summary>
    public Task Run(IMaterializer materializer) =>
        ChannelSource.FromReader(_queue.Reader)
            .ToMaterialized(new AdmissionSink(this), Keep.Right)
            .Run(materializer);

    /// <summary>Admits a queued <paramref name="request"/> on a slot already taken; a request whose client left gives it straight back.</summary>
    internal void AdmitQueued(ProxyRequest request)
    {
        Interlocked.Decrement(ref _waiting);
        if (!request.Admit(this)) Release();
    }

    /// <summary>Called once by each admitted request when it ends; wakes the graph only while requests wait (saturation).</summary>
    internal void Release()
    {
        Interlocked.Increment(ref _free);
        if (Volatile.Read(ref _waiting) > 0) _wake?.Invoke();
    }

    internal void SetWake(Action wake) => _wake = wake;
}

/// <summary>What <see cref="UpstreamPipeline.TryAdmit"/> did with a request.</summary>
internal enum Admission
{
    /// <summary>Admitted at once: it holds a slot.</summary>
    Admitted,

    /// <summary>Queued: wait for admission.</summary>
    Queued,

    /// <summary>Queue full or closed: shed it.</summary>
    Shed,
}
