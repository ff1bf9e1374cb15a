package io.sluice.stage;

/** The two independent paths of one exchange; Envoy calls them decoding (request) and encoding (response). */
public enum Direction {
    REQUEST("request"),
    RESPONSE("response");

    private final String wireName;

    Direction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
