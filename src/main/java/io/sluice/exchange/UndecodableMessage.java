package io.sluice.exchange;

import java.util.Optional;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;

/**
 * A message gRPC could not decode, carried into the exchange as a {@link ProcessingRequest} with no phase set and the
 * decoder's reason in a field number protobuf reserves for no one, so that the exchange ends the stream the way it ends
 * every malformed message ({@code INVALID_ARGUMENT}, counted as {@code malformed}, one log line) instead of grpc-java
 * closing it with {@code UNKNOWN} and a stack trace.
 */
public final class UndecodableMessage {

    /** The largest field number protobuf allows; ProcessingRequest will never define it. */
    static final int FIELD = 536_870_911;

    private UndecodableMessage() {
    }

    public static ProcessingRequest of(String reason) {
        return ProcessingRequest.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(FIELD, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(reason)).build())
                .build()).build();
    }

    /** The decoder's reason, when {@code request} stands for a message that could not be decoded. */
    static Optional<String> reason(ProcessingRequest request) {
        UnknownFieldSet.Field field = request.getUnknownFields().getField(FIELD);
        return field.getLengthDelimitedList().isEmpty() ? Optional.empty()
                : Optional.of(field.getLengthDelimitedList().get(0).toStringUtf8());
    }
}
