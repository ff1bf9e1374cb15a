package io.sluice.exchange;

import java.util.EnumSet;
import java.util.Queue;
import java.util.Set;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.message.MutableHeaders;
import io.sluice.message.PhaseReply;
import io.sluice.stage.Direction;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.PhaseName;

/**
 * One direction of an exchange, as Envoy's {@code ProcessorState} is: what may come next (the protocol rules for
 * incoming messages), the body mode replies are shaped for, and the encoding of those replies, in one place.
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
    private final ReplyEncoder encoder;
    private final PhaseName bodyPhase;
    private Position position = Position.AWAITING_HEADERS;
    private int bodyMessages;
    /** Empty while no body mode was announced: then any body sequence is accepted. */
    private final Set<BodySendMode> possibleBodyModes = EnumSet.noneOf(BodySendMode.class);

    /** What {@link #possibleBodyModes} mean for replies, worked out when they change rather than per message. */
    private BodySendMode replyBodyMode = BodySendMode.STREAMED;
    private boolean onlySingleMessageModes;

    /** The headers as Envoy holds them after Sluice's headers reply; null until then. */
    private MutableHeaders headersAfterReply;

    DirectionState(Direction direction) {
        this.direction = direction;
        this.encoder = ReplyEncoder.of(direction);
        this.bodyPhase = direction == Direction.REQUEST ? PhaseName.REQUEST_BODY : PhaseName.RESPONSE_BODY;
    }

    void announce(BodySendMode mode) {
        possibleBodyModes.clear();
        possibleBodyModes.add(mode);
        modesChanged();
    }

    void overrideRequested(BodySendMode mode) {
        if (!possibleBodyModes.isEmpty()) {
            possibleBodyModes.add(mode);
            modesChanged();
        }
    }

    private void modesChanged() {
        replyBodyMode = BodySendMode.STREAMED;
        if (possibleBodyModes.contains(BodySendMode.FULL_DUPLEX_STREAMED)) {
            replyBodyMode = BodySendMode.FULL_DUPLEX_STREAMED;
        } else {
            for (BodySendMode mode : SENDING_MODES) {
                if (possibleBodyModes.contains(mode)) {
                    replyBodyMode = mode;
                    break;
                }
            }
        }
        onlySingleMessageModes = true;
        for (BodySendMode mode : possibleBodyModes) {
            onlySingleMessageModes &= mode == BodySendMode.NONE || mode == BodySendMode.BUFFERED
                    || mode == BodySendMode.BUFFERED_PARTIAL;
        }
    }

    /** The replies to a message of this direction, as Envoy accepts them in the body mode it may be in. */
    long encode(PhaseReply reply, ModeOverride effectiveModes, Queue<ProcessingResponse> out) {
        if (reply.phase().kind() == PhaseName.Kind.HEADERS) {
            headersAfterReply = reply.headers();
        }
        return encoder.encode(reply, replyBodyMode, effectiveModes, out);
    }

    /** Headers come with a body message only while Envoy still holds them (BUFFERED modes, headers sent). */
    PhaseReply bodyReply(HttpBody body) {
        return new PhaseReply(bodyPhase, heldHeaders(), body.getBody(), body.getEndOfStream(),
                body.getEndOfStream() || sendsBodyAsOneMessage());
    }

    /** The empty, last body message that stands for the end of a streamed body which trailers ended. */
    PhaseReply lastChunkBeforeTrailers() {
        return new PhaseReply(bodyPhase, null, ByteString.EMPTY, false, true);
    }

    /**
     * The body mode replies must be encoded for. FULL_DUPLEX_STREAMED is the only mode with a different reply
     * shape; when an override to it is possible we assume Envoy honoured it, since a stage asked for it.
     */
    BodySendMode replyBodyMode() {
        return replyBodyMode;
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

    /**
     * A fresh view of the headers for a body message, when Envoy still holds them and applies a header mutation
     * in the body reply: BUFFERED and BUFFERED_PARTIAL after a headers message. Empty otherwise (STREAMED and
     * FULL_DUPLEX_STREAMED have sent the headers on already; with header mode SKIP Sluice never saw them).
     */
    private MutableHeaders heldHeaders() {
        return sendsBodyAsOneMessage() && headersAfterReply != null ? headersAfterReply.afterChanges() : null;
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
            if (possibleBodyModes.size() == 1 && possibleBodyModes.contains(BodySendMode.NONE)) {
                throw ProtocolViolation.outOfOrder(phase.wireName() + " received although the " + direction.wireName()
                        + " body mode announced in protocol_config is NONE (" + describe() + ")");
            }
            if (onlySingleMessageModes && bodyMessages > 0) {
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
