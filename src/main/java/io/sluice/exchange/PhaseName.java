package io.sluice.exchange;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;

/** The six message kinds of the ext_proc protocol, named as on the wire. */
public enum PhaseName {
    REQUEST_HEADERS(Direction.REQUEST, Kind.HEADERS),
    REQUEST_BODY(Direction.REQUEST, Kind.BODY),
    REQUEST_TRAILERS(Direction.REQUEST, Kind.TRAILERS),
    RESPONSE_HEADERS(Direction.RESPONSE, Kind.HEADERS),
    RESPONSE_BODY(Direction.RESPONSE, Kind.BODY),
    RESPONSE_TRAILERS(Direction.RESPONSE, Kind.TRAILERS);

    public enum Kind {
        HEADERS, BODY, TRAILERS
    }

    private final Direction direction;
    private final Kind kind;
    private final String wireName;

    PhaseName(Direction direction, Kind kind) {
        this.direction = direction;
        this.kind = kind;
        this.wireName = name().toLowerCase(java.util.Locale.ROOT);
    }

    public Direction direction() {
        return direction;
    }

    public Kind kind() {
        return kind;
    }

    /** The oneof field name, e.g. {@code request_headers}. */
    public String wireName() {
        return wireName;
    }

    /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the request carries no message at all */
    public static PhaseName of(ProcessingRequest request) {
        return switch (request.getRequestCase()) {
            case REQUEST_HEADERS -> REQUEST_HEADERS;
            case REQUEST_BODY -> REQUEST_BODY;
            case REQUEST_TRAILERS -> REQUEST_TRAILERS;
            case RESPONSE_HEADERS -> RESPONSE_HEADERS;
            case RESPONSE_BODY -> RESPONSE_BODY;
            case RESPONSE_TRAILERS -> RESPONSE_TRAILERS;
            case REQUEST_NOT_SET -> throw ProtocolViolation.malformed(UndecodableMessage.reason(request)
                    .map(reason -> "ProcessingRequest cannot be decoded: " + reason)
                    .orElse("ProcessingRequest carries no message: none of request_headers, request_body, "
                            + "request_trailers, response_headers, response_body, response_trailers is set"));
        };
    }
}
