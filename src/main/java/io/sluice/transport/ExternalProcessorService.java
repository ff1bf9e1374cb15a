package io.sluice.transport;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.sluice.config.SluiceConfig;
import io.sluice.exchange.ExchangeFactory;
import io.sluice.observability.ExchangeMetrics;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor/Process}, served from the grpc-java classes of
 * {@code io.envoyproxy.controlplane:api} rather than Quarkus' generated Mutiny adapter, because that adapter
 * requests inbound messages without bound and flow control would be lost.
 */
@GrpcService
public class ExternalProcessorService extends ExternalProcessorGrpc.ExternalProcessorImplBase {

    private final ExchangeFactory exchanges;
    private final SluiceConfig config;
    private final ExchangeMetrics metrics;
    private final FullDuplexIdleWatch idleWatch;

    public ExternalProcessorService(ExchangeFactory exchanges, SluiceConfig config, ExchangeMetrics metrics,
            FullDuplexIdleWatch idleWatch) {
        this.exchanges = exchanges;
        this.config = config;
        this.metrics = metrics;
        this.idleWatch = idleWatch;
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        return FlowControlledStream.open(responses, exchanges.create(), config.exchange().maxInFlight(), metrics, idleWatch);
    }
}
