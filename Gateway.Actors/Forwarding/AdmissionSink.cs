using Akka.Streams;
using Akka.Streams.Stage;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The last stage of an upstream's pipeline: pulls the next queued request only while <see cref="UpstreamPipeline"/>
/// has a free in-flight slot, and admits it once it takes one (a request admitted at once may take it first: then the
/// pulled request is held until the next release wakes the stage). The materialized task completes when the queue completes.
/// </summary>
/// <remarks>
/// This replaces SelectAsyncUnordered, which waits on one task per element and so costs a continuation plus a stream
/// actor message for every finished request. Here a finished request only increments the pipeline's free-slot counter;
/// the stage is woken (one async callback) only when the counter goes from 0 to 1, that is, only at saturation.
/// </remarks>
internal sealed class AdmissionSink : GraphStageWithMaterializedValue<SinkShape<ProxyRequest>, Task>
{
    private readonly UpstreamPipeline _pipeline;

    public AdmissionSink(UpstreamPipeline pipeline)
    {
        _pipeline = pipeline;
        Shape = new SinkShape<ProxyRequest>(In);
    }

    public Inlet<ProxyRequest> In { get; } = new("upstream.admission.in");

    public override SinkShape<ProxyRequest> Shape { get; }

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task>(new Logic(this, completion), completion.Task);
    }

    private sealed class Logic : InGraphStageLogic
    {
        private readonly AdmissionSink _stage;
        private readonly TaskCompletionSource _completion;
        private ProxyRequest? _held;

        public Logic(AdmissionSink stage, TaskCompletionSource completion) : base(stage.Shape)
        {
            _stage = stage;
            _completion = completion;
            SetHandler(stage.In, this);
        }

        public override void PreStart()
        {
            _stage._pipeline.SetWake(GetAsyncCallback(OnSlotFreed));
            PullIfFree();
        }

        public override void OnPush()
        {
            _held = Grab(_stage.In);
            OnSlotFreed();
        }

        public override void OnUpstreamFinish()
        {
            if (_held is not null) return; // completes once the held request is admitted
            _completion.TrySetResult();
            CompleteStage();
        }

        private void OnSlotFreed()
        {
            if (_held is { } held)
            {
                if (!_stage._pipeline.TryTakeSlot()) return;
                _held = null;
                _stage._pipeline.AdmitQueued(held);
                if (IsClosed(_stage.In))
                {
                    _completion.TrySetResult();
                    CompleteStage();
                    return;
                }
            }
            PullIfFree();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _completion.TrySetException(e);
            FailStage(e);
        }

        public override void PostStop()
        {
            // Stopped while holding a request: let it go rather than leave its client waiting.
            if (_held is { } held)
            {
                _held = null;
                _stage._pipeline.AdmitWithoutSlot(held);
            }
            _completion.TrySetException(new AbruptStageTerminationException(this));
        }

        private void PullIfFree()
        {
            if (_stage._pipeline.HasFreeSlot && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In)) Pull(_stage.In);
        }
    }
}
