package io.sluice.transport;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.sluice.config.SluiceConfig;
import io.sluice.exchange.Exchange;
import io.sluice.exchange.ExchangeFactory;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.ExchangeTrace;
import io.sluice.observability.ExchangeTracing;
import io.sluice.observability.TraceContextInterceptor;
import io.sluice.transport.warmup.WarmUpMarker;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor/Process}, served from the grpc-java classes of
 * {@code io.envoyproxy.controlplane:api} rather than Quarkus' generated Mutiny adapter, because that adapter
 * requests inbound messages without bound and flow control would be lost.
 */
@GrpcService
@RegisterInterceptor(TraceContextInterceptor.class)
@RegisterInterceptor(WarmUpMarker.class)
public class ExternalProcessorService extends ExternalProcessorGrpc.ExternalProcessorImplBase {

    private final ExchangeFactory exchanges;
    private final SluiceConfig config;
    private final ExchangeMetrics metrics;
    private final FullDuplexIdleWatch idleWatch;
    private final ExchangeTracing tracing;

    public ExternalProcessorService(ExchangeFactory exchanges, SluiceConfig config, ExchangeMetrics metrics,
            FullDuplexIdleWatch idleWatch, ExchangeTracing tracing) {
        this.exchanges = exchanges;
        this.config = config;
        this.metrics = metrics;
        this.idleWatch = idleWatch;
        this.tracing = tracing;
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        // Called inside the interceptor's gRPC Context: the parent from the call's metadata, if any.
        boolean warmUp = WarmUpMarker.marked();
        ExchangeTrace trace = warmUp ? ExchangeTrace.NONE : tracing.open(TraceContextInterceptor.PARENT.get());
        Exchange exchange = exchanges.create(trace, warmUp);
        return FlowControlledStream.open(responses, exchange, config.exchange().maxInFlight(), exchange.metrics(),
                idleWatch);
    }
}
