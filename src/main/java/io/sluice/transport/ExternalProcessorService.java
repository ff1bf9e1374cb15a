package io.sluice.transport;

import jakarta.enterprise.context.ApplicationScoped;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.sluice.config.SluiceConfig;
import io.sluice.exchange.Exchange;
import io.sluice.exchange.ExchangeFactory;
import io.sluice.observability.ExchangeTrace;
import io.sluice.observability.ExchangeTracing;
import io.sluice.observability.TraceContextInterceptor;
import io.sluice.transport.warmup.WarmUpMarker;

/**
 * {@code envoy.service.ext_proc.v3.ExternalProcessor/Process}, served straight from grpc-java's {@link ServerCall},
 * with the method descriptor of {@code io.envoyproxy.controlplane:api} ({@link ListenerServices}) and neither grpc-java's
 * stub layer nor Quarkus' generated Mutiny adapter.
 * <p>
 * Why not the stub: Envoy's default close resets every stream once its exchange is over, and the stub turns each reset
 * into a {@code StatusRuntimeException} with its stack trace filled in, for an {@code onError} nobody needs: a tenth
 * of the CPU of a headers-only exchange, Sluice's and the bare stub-based handler's alike (profiled, 2026-12-02). Why
 * not Quarkus' adapter: it requests inbound messages without bound, and flow control would be lost.
 */
@ApplicationScoped
public class ExternalProcessorService implements ServerCallHandler<ProcessingRequest, ProcessingResponse> {

    /** What a refused stream's messages go to: it is already closed, so they are dropped. */
    private static final ServerCall.Listener<ProcessingRequest> REFUSED = new ServerCall.Listener<>() {
    };

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

    @Override
    public ServerCall.Listener<ProcessingRequest> startCall(ServerCall<ProcessingRequest, ProcessingResponse> call,
            Metadata headers) {
        StreamBytes bytes = connectionSetup.onStream(call);
        Status refused = admission.admit();
        if (refused != null) {
            bytes.done();
            call.close(refused, new Metadata());
            return REFUSED;
        }
        try {
            // Called inside the interceptors' gRPC Context: the parent from the call's metadata, if any, and the mark
            // of Sluice's own warm-up exchanges.
            boolean warmUp = WarmUpMarker.marked();
            ExchangeTrace trace = warmUp ? ExchangeTrace.NONE : tracing.open(TraceContextInterceptor.PARENT.get());
            Exchange exchange = exchanges.create(trace, warmUp);
            return FlowControlledStream.open(call, exchange, config.exchange().maxInFlight(),
                    config.exchange().maxInFlightBytes(), exchange.metrics(), idleWatch, admission, bytes);
        } catch (RuntimeException e) {
            admission.release();
            bytes.done();
            throw e;
        }
    }
}
