using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The backpressured admission pipeline of one upstream: a bounded queue feeding an Akka.Streams graph that lets at most
/// <see cref="MaxInFlight"/> requests forward at once. A request that finds the queue full is refused at once (shed).
/// </summary>
/// <remarks>
/// The queue is a bounded <see cref="Channel{T}"/> read by <see cref="ChannelSource"/>: unlike Source.Queue it accepts
/// writes from many Kestrel threads at once. The graph only admits: the request then forwards on its own Kestrel task and
/// hands the slot back by completing the task the graph waits on.
/// </remarks>
public sealed class UpstreamPipeline
{
    private readonly Channel<ProxyRequest> _queue;

    /// <summary>Creates the queue; nothing is admitted until <see cref="Run"/> materializes the graph.</summary>
    public UpstreamPipeline(int maxInFlight, int maxQueued)
    {
        MaxInFlight = maxInFlight;
        MaxQueued = maxQueued;
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

    /// <summary>Queues <paramref name="request"/>; false when the queue is full or closed, and the caller sheds it.</summary>
    public bool TryEnqueue(ProxyRequest request) => _queue.Writer.TryWrite(request);

    /// <summary>Stops taking requests; the graph admits what is queued and then completes.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Admits whatever is still queued without waiting for a slot; used when the pipeline's owner stops.</summary>
    public void AdmitRemaining()
    {
        while (_queue.Reader.TryRead(out var request)) request.Admit();
    }

    /// <summary>Materializes the admission graph; the task completes when the queue is completed and drained.</summary>
    public Task<Done> Run(IMaterializer materializer) =>
        ChannelSource.FromReader(_queue.Reader)
            .SelectAsyncUnordered(MaxInFlight, static request => request.Admit())
            .RunWith(Sink.Ignore<NotUsed>(), materializer);
}
