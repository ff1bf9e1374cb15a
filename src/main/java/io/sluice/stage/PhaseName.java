package io.sluice.stage;

/** The six message kinds of the ext_proc protocol, named as on the wire; each belongs to one direction. */
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
}
