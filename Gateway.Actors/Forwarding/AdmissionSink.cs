using Akka.Streams;
using Akka.Streams.Stage;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The last stage of an upstream's pipeline: pulls the next queued request only while <see cref="UpstreamPipeline"/>
/// has a free in-flight slot, and admits it. The materialized task completes when the queue completes.
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

        public Logic(AdmissionSink stage, TaskCompletionSource completion) : base(stage.Shape)
        {
            _stage = stage;
            _completion = completion;
            SetHandler(stage.In, this);
        }

        public override void PreStart()
        {
            _stage._pipeline.SetWake(GetAsyncCallback(PullIfFree));
            PullIfFree();
        }

        public override void OnPush()
        {
            var request = Grab(_stage.In);
            _stage._pipeline.Admit(request);
            PullIfFree();
        }

        public override void OnUpstreamFinish()
        {
            _completion.TrySetResult();
            CompleteStage();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _completion.TrySetException(e);
            FailStage(e);
        }

        public override void PostStop() =>
            _completion.TrySetException(new AbruptStageTerminationException(this));

        private void PullIfFree()
        {
            if (_stage._pipeline.HasFreeSlot && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In)) Pull(_stage.In);
        }
    }
}
