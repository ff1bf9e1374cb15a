package io.sluice.transport;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.quarkus.arc.ClientProxy;
import io.sluice.observability.TraceContextInterceptor;
import io.sluice.transport.health.GrpcHealth;
import io.sluice.transport.warmup.WarmUpMarker;

/**
 * What every listener (TCP and the Unix socket) serves: the ext_proc service behind the interceptors that put a call's
 * trace parent and warm-up mark into its gRPC {@code Context}, and gRPC health. Resolved once, shared by both servers.
 */
@ApplicationScoped
public class ListenerServices {

    private final List<ServerServiceDefinition> services;

    public ListenerServices(ExternalProcessorService processor, TraceContextInterceptor trace, WarmUpMarker warmUp,
            GrpcHealth health) {
        // The interceptor given last runs first: the warm-up mark, then the trace parent, then the service.
        // Application-scoped beans called on every stream: through their client proxies each call would cost a
        // context lookup. They live as long as the application.
        ServerServiceDefinition extProc = ServerInterceptors.intercept(
                TolerantDecoding.of(ServerServiceDefinition.builder(ExternalProcessorGrpc.getServiceDescriptor())
                        .addMethod(ExternalProcessorGrpc.getProcessMethod(), ClientProxy.unwrap(processor)).build()),
                ClientProxy.unwrap(trace), ClientProxy.unwrap(warmUp));
        this.services = List.of(extProc, health.service().bindService());
    }

    public List<ServerServiceDefinition> all() {
        return services;
    }
}
