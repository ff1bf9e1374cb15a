package io.sluice.stage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

import com.google.protobuf.ByteString;

/**
 * A local reply Envoy sends to the client instead of continuing the exchange ({@code ImmediateResponse}).
 * The status is mandatory and at least 200: Envoy silently turns anything lower into 200.
 */
public final class ImmediateReply implements Outcome {

    public record Header(String name, String value) {
    }

    private final int status;
    private final List<Header> headers;
    private final ByteString body;
    private final String details;
    private final OptionalInt grpcStatus;

    private ImmediateReply(Builder b) {
        this.status = b.status;
        this.headers = List.copyOf(b.headers);
        this.body = b.body;
        this.details = b.details;
        this.grpcStatus = b.grpcStatus;
    }

    public static Builder status(int status) {
        return new Builder(status);
    }

    public int status() {
        return status;
    }

    public List<Header> headers() {
        return headers;
    }

    public ByteString body() {
        return body;
    }

    /** Fills Envoy's {@code %RESPONSE_CODE_DETAILS%} (spaces become underscores there). */
    public String details() {
        return details;
    }

    public OptionalInt grpcStatus() {
        return grpcStatus;
    }

    @Override
    public String toString() {
        return "immediate response " + status + (details.isEmpty() ? "" : " (" + details + ")");
    }

    public static final class Builder {
        private final int status;
        private final List<Header> headers = new ArrayList<>();
        private ByteString body = ByteString.EMPTY;
        private String details = "";
        private OptionalInt grpcStatus = OptionalInt.empty();

        private Builder(int status) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("immediate response status must be within 200..599, got " + status);
            }
            this.status = status;
        }

        public Builder header(String name, String value) {
            HeaderRules.requireSettable(name, value);
            headers.add(new Header(HeaderRules.normalize(name), value));
            return this;
        }

        public Builder body(String text) {
            return body(ByteString.copyFrom(text, StandardCharsets.UTF_8));
        }

        public Builder body(ByteString bytes) {
            this.body = Objects.requireNonNull(bytes, "body");
            return this;
        }

        public Builder details(String details) {
            this.details = Objects.requireNonNull(details, "details");
            return this;
        }

        /** Makes Envoy answer gRPC clients with this {@code grpc-status}. */
        public Builder grpcStatus(int code) {
            if (code < 0 || code > 16) {
                throw new IllegalArgumentException("gRPC status must be within 0..16, got " + code);
            }
            this.grpcStatus = OptionalInt.of(code);
            return this;
        }

        public ImmediateReply build() {
            return new ImmediateReply(this);
        }
    }
}
