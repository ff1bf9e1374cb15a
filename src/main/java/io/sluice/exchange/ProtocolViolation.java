package io.sluice.exchange;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The gRPC errors that end one stream when Envoy (or anything pretending to be Envoy) breaks the protocol.
 * Descriptions name the message and the state, so the reason shows up in Envoy's
 * {@code ext_proc_error_gRPC_error_<code>{<message>}} response details and in our logs.
 */
public final class ProtocolViolation {

    private ProtocolViolation() {
    }

    /** The message itself cannot be understood. */
    public static StatusRuntimeException malformed(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    /** A well-formed message that cannot come in the stream's current state or announced mode. */
    public static StatusRuntimeException outOfOrder(String description) {
        return Status.FAILED_PRECONDITION.withDescription(description).asRuntimeException();
    }

    /** A configured limit was exceeded. */
    public static StatusRuntimeException overLimit(String description) {
        return Status.RESOURCE_EXHAUSTED.withDescription(description).asRuntimeException();
    }
}
