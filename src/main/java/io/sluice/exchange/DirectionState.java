package io.sluice.exchange;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;

/**
 * What may come next on one path of an exchange: the protocol rules for incoming messages, in one place.
 * <p>
 * Per direction Envoy sends headers, then zero or more body messages, then trailers; each may be missing
 * (header mode SKIP, body mode NONE, no trailers). {@code end_of_stream} on headers or body ends the direction.
 * The two directions are independent and may interleave. The body mode is known only when Envoy announced it in
 * {@code protocol_config} (Envoy 1.34+); after Sluice asked for a mode override Envoy may or may not have honoured
 * it ({@code allow_mode_override} is Envoy's secret), so both modes stay possible.
 */
final class DirectionState {

    private enum Position {
        AWAITING_HEADERS, AFTER_HEADERS, IN_BODY, ENDED_BY_HEADERS, ENDED_BY_BODY, ENDED_BY_TRAILERS
    }

    private final Direction direction;
    private Position position = Position.AWAITING_HEADERS;
    private int bodyMessages;
    /** Empty while no body mode was announced: then any body sequence is accepted. */
    private final Set<BodySendMode> possibleBodyModes = EnumSet.noneOf(BodySendMode.class);

    /** The headers as Envoy holds them after Sluice's headers reply; null until then. */
    private MutableHeaders headersAfterReply;

    DirectionState(Direction direction) {
        this.direction = direction;
    }

    void announce(BodySendMode mode) {
        possibleBodyModes.clear();
        possibleBodyModes.add(mode);
    }

    void overrideRequested(BodySendMode mode) {
        if (!possibleBodyModes.isEmpty()) {
            possibleBodyModes.add(mode);
        }
    }

    /**
     * The body mode replies must be encoded for. FULL_DUPLEX_STREAMED is the only mode with a different reply
     * shape; when an override to it is possible we assume Envoy honoured it, since a stage asked for it.
     */
    BodySendMode replyBodyMode() {
        if (possibleBodyModes.contains(BodySendMode.FULL_DUPLEX_STREAMED)) {
            return BodySendMode.FULL_DUPLEX_STREAMED;
        }
        // In the enum's order, as the set iterates, without an iterator per message (called several times each).
        for (BodySendMode mode : SENDING_MODES) {
            if (possibleBodyModes.contains(mode)) {
                return mode;
            }
        }
        return BodySendMode.STREAMED;
    }

    /** The body modes that send a body, in the enum's order. */
    private static final BodySendMode[] SENDING_MODES = java.util.Arrays.stream(BodySendMode.values())
            .filter(mode -> mode != BodySendMode.NONE && mode != BodySendMode.UNRECOGNIZED).toArray(BodySendMode[]::new);

    /** BUFFERED and BUFFERED_PARTIAL send at most one body message per direction. */
    boolean sendsBodyAsOneMessage() {
        BodySendMode mode = replyBodyMode();
        return mode == BodySendMode.BUFFERED || mode == BodySendMode.BUFFERED_PARTIAL;
    }

    /** A FULL_DUPLEX_STREAMED body is expected or flowing on this path and has not ended. */
    boolean midFullDuplexBody() {
        return replyBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED
                && (position == Position.AFTER_HEADERS || position == Position.IN_BODY);
    }

    /** A STREAMED or FULL_DUPLEX_STREAMED body has started and no message has ended it yet. */
    boolean streamedBodyOpen() {
        return position == Position.IN_BODY && !sendsBodyAsOneMessage();
    }

    void headersHeld(MutableHeaders afterReply) {
        this.headersAfterReply = afterReply;
    }

    /**
     * A fresh view of the headers for a body message, when Envoy still holds them and applies a header mutation
     * in the body reply: BUFFERED and BUFFERED_PARTIAL after a headers message. Empty otherwise (STREAMED and
     * FULL_DUPLEX_STREAMED have sent the headers on already; with header mode SKIP Sluice never saw them).
     */
    Optional<MutableHeaders> heldHeaders() {
        return sendsBodyAsOneMessage() && headersAfterReply != null ? Optional.of(headersAfterReply.afterChanges())
                : Optional.empty();
    }

    void accept(PhaseName phase, boolean endOfStream) {
        switch (phase.kind()) {
            case HEADERS -> acceptHeaders(phase, endOfStream);
            case BODY -> acceptBody(phase, endOfStream);
            case TRAILERS -> acceptTrailers(phase);
        }
    }

    private void acceptHeaders(PhaseName phase, boolean endOfStream) {
        if (position != Position.AWAITING_HEADERS) {
            throw ProtocolViolation.outOfOrder(
                    (position == Position.AFTER_HEADERS || position == Position.ENDED_BY_HEADERS ? "second " : "")
                            + phase.wireName() + " received " + describe());
        }
        position = endOfStream ? Position.ENDED_BY_HEADERS : Position.AFTER_HEADERS;
    }

    private void acceptBody(PhaseName phase, boolean endOfStream) {
        if (isEnded()) {
            throw ProtocolViolation.outOfOrder(phase.wireName() + " received " + describe());
        }
        if (!possibleBodyModes.isEmpty()) {
            if (possibleBodyModes.equals(EnumSet.of(BodySendMode.NONE))) {
                throw ProtocolViolation.outOfOrder(phase.wireName() + " received although the " + direction.wireName()
                        + " body mode announced in protocol_config is NONE (" + describe() + ")");
            }
            boolean singleMessageModes = possibleBodyModes.stream().allMatch(m -> m == BodySendMode.NONE
                    || m == BodySendMode.BUFFERED || m == BodySendMode.BUFFERED_PARTIAL);
            if (singleMessageModes && bodyMessages > 0) {
                throw ProtocolViolation.outOfOrder("second " + phase.wireName() + " received in " + possibleBodyModes
                        + " mode, which sends the body as one message (" + describe() + ")");
            }
        }
        bodyMessages++;
        position = endOfStream ? Position.ENDED_BY_BODY : Position.IN_BODY;
    }

    private void acceptTrailers(PhaseName phase) {
        if (isEnded()) {
            throw ProtocolViolation.outOfOrder(
                    (position == Position.ENDED_BY_TRAILERS ? "second " : "") + phase.wireName() + " received " + describe());
        }
        position = Position.ENDED_BY_TRAILERS;
    }

    private boolean isEnded() {
        return position == Position.ENDED_BY_HEADERS || position == Position.ENDED_BY_BODY
                || position == Position.ENDED_BY_TRAILERS;
    }

    /** The state, in words, for error descriptions. */
    String describe() {
        String path = "on the " + direction.wireName() + " path";
        return switch (position) {
            case AWAITING_HEADERS -> path + " before any " + direction.wireName() + "_headers";
            case AFTER_HEADERS -> path + " after " + direction.wireName() + "_headers";
            case IN_BODY -> path + " after " + bodyMessages + " " + direction.wireName() + "_body message(s)";
            case ENDED_BY_HEADERS -> path + " after " + direction.wireName() + "_headers with end_of_stream=true";
            case ENDED_BY_BODY -> path + " after " + direction.wireName() + "_body with end_of_stream=true";
            case ENDED_BY_TRAILERS -> path + " after " + direction.wireName() + "_trailers";
        };
    }
}
