package io.sluice.transport;

import java.io.InputStream;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.sluice.exchange.UndecodableMessage;

/**
 * The ext_proc service with a request decoder that never throws: bytes protobuf cannot decode (truncated, invalid
 * UTF-8 in a string, nesting past its recursion limit) become an {@link UndecodableMessage}, which the exchange ends
 * with {@code INVALID_ARGUMENT} naming the decoder's reason.
 * <p>
 * Why: grpc-java decodes before Sluice sees a message, and a decoder's exception ends the call with
 * {@code UNKNOWN: Application error processing RPC}, counts nothing and logs a SEVERE stack trace per stream, a log
 * flood on demand for anyone who can reach the port.
 */
final class TolerantDecoding {

    private TolerantDecoding() {
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    static ServerServiceDefinition of(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            MethodDescriptor descriptor = method.getMethodDescriptor();
            if (descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
                    && prototype.getMessagePrototype() instanceof ProcessingRequest) {
                descriptor = descriptor.toBuilder(new Marshaller((MethodDescriptor.Marshaller<ProcessingRequest>) prototype),
                        descriptor.getResponseMarshaller()).build();
            }
            builder.addMethod(descriptor, method.getServerCallHandler());
        }
        return builder.build();
    }

    private record Marshaller(MethodDescriptor.Marshaller<ProcessingRequest> delegate)
            implements MethodDescriptor.Marshaller<ProcessingRequest> {

        @Override
        public InputStream stream(ProcessingRequest value) {
            return delegate.stream(value);
        }

        @Override
        public ProcessingRequest parse(InputStream stream) {
            try {
                return delegate.parse(stream);
            } catch (RuntimeException e) {
                Status status = Status.fromThrowable(e);
                Throwable cause = status.getCause() != null ? status.getCause() : e;
                return UndecodableMessage.of(cause.getMessage() != null ? cause.getMessage() : cause.toString());
            }
        }
    }
}
