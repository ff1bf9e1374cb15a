package io.sluice.transport;

import jakarta.enterprise.context.ApplicationScoped;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.config.SluiceConfig;
import io.sluice.exchange.Exchange;
import io.sluice.exchange.ExchangeFactory;
import io.sluice.observability.ExchangeTrace;
import io.sluice.observability.ExchangeTracing;
import io.sluice.observability.TraceContextInterceptor;
import io.sluice.transport.warmup.WarmUpMarker;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor/Process}, served from the grpc-java classes of
 * {@code io.envoyproxy.controlplane:api} rather than Quarkus' generated Mutiny adapter, because that adapter
 * requests inbound messages without bound and flow control would be lost. Sluice's own listeners serve it
 * ({@link ListenerServices}), not Quarkus' gRPC server.
 */
@ApplicationScoped
public class ExternalProcessorService implements ExternalProcessorGrpc.AsyncService {

    private final ExchangeFactory exchanges;
    private final SluiceConfig config;
    private final FullDuplexIdleWatch idleWatch;
    private final ExchangeTracing tracing;
    private final ExchangeAdmission admission;
    private final ConnectionSetup connectionSetup;

    public ExternalProcessorService(ExchangeFactory exchanges, SluiceConfig config, FullDuplexIdleWatch idleWatch,
            ExchangeTracing tracing, ExchangeAdmission admission, ConnectionSetup connectionSetup) {
        this.exchanges = exchanges;
        this.config = config;
        this.idleWatch = idleWatch;
        this.tracing = tracing;
        this.admission = admission;
        this.connectionSetup = connectionSetup;
    }

    /** What a refused stream's messages go to: it is already closed, so they are dropped. */
    private static final StreamObserver<ProcessingRequest> REFUSED = new StreamObserver<>() {
        @Override
        public void onNext(ProcessingRequest value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    };

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        StreamBytes bytes = responses instanceof ServerCallStreamObserver<?> call ? connectionSetup.onStream(call)
                : StreamBytes.NONE;
        Status refused = admission.admit();
        if (refused != null) {
            bytes.done();
            responses.onError(refused.asRuntimeException());
            return REFUSED;
        }
        try {
            // Called inside the interceptors' gRPC Context: the parent from the call's metadata, if any, and the mark
            // of Sluice's own warm-up exchanges.
            boolean warmUp = WarmUpMarker.marked();
            ExchangeTrace trace = warmUp ? ExchangeTrace.NONE : tracing.open(TraceContextInterceptor.PARENT.get());
            Exchange exchange = exchanges.create(trace, warmUp);
            return FlowControlledStream.open(responses, exchange, config.exchange().maxInFlight(),
                    config.exchange().maxInFlightBytes(), exchange.metrics(), idleWatch, admission, bytes);
        } catch (RuntimeException e) {
            admission.release();
            bytes.done();
            throw e;
        }
    }
}
