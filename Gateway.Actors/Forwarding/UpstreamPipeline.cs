using System.Threading.Channels;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The backpressured admission pipeline of one upstream: a bounded queue feeding an Akka.Streams graph that lets at most
/// <see cref="MaxInFlight"/> requests forward at once. A request that finds the queue full is refused at once (shed).
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
    private volatile Action? _wake;

    /// <summary>Creates the queue; nothing is admitted until <see cref="Run"/> materializes the graph.</summary>
    public UpstreamPipeline(int maxInFlight, int maxQueued)
    {
        MaxInFlight = maxInFlight;
        MaxQueued = maxQueued;
        _free = maxInFlight;
        // A channel needs room for one item; with max-queued = 0 that one item is the only wait allowed.
        _queue = Channel.CreateBounded<ProxyRequest>(new BoundedChannelOptions(Math.Max(1, maxQueued))
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
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Requests admitted and not yet finished.</summary>
    public int Admitted => MaxInFlight - Volatile.Read(ref _free);

    internal bool HasFreeSlot => Volatile.Read(ref _free) > 0;

    /// <summary>Queues <paramref name="request"/>; false when the queue is full or closed, and the caller sheds it.</summary>
    public bool TryEnqueue(ProxyRequest request) => _queue.Writer.TryWrite(request);

    /// <summary>Stops taking requests; the graph admits what is queued and then completes.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Admits whatever is still queued without waiting for a slot; used when the pipeline's owner stops.</summary>
    public void AdmitRemaining()
    {
        while (_queue.Reader.TryRead(out var request)) Admit(request);
    }

    /// <summary>Materializes the admission graph; the task completes when the queue is completed and drained.</summary>
    public Task Run(IMaterializer materializer) =>
        ChannelSource.FromReader(_queue.Reader)
            .ToMaterialized(new AdmissionSink(this), Keep.Right)
            .Run(materializer);

    /// <summary>Takes a slot for <paramref name="request"/> and admits it; a request whose client left gives it straight back.</summary>
    internal void Admit(ProxyRequest request)
    {
        Interlocked.Decrement(ref _free);
        if (!request.Admit(this)) Interlocked.Increment(ref _free);
    }

    /// <summary>Called once by each admitted request when it ends; wakes the graph only if it was waiting for a slot.</summary>
    internal void Release()
    {
        if (Interlocked.Increment(ref _free) == 1) _wake?.Invoke();
    }

    internal void SetWake(Action wake) => _wake = wake;
}
