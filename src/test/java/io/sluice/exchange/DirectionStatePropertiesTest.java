package io.sluice.exchange;

import io.sluice.stage.PhaseName;
import io.sluice.stage.Direction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every sequence Envoy can send on one path is accepted; anything after the path has ended, and a repeated
 * headers message, is refused with FAILED_PRECONDITION.
 */
class DirectionStatePropertiesTest {

    record Step(PhaseName.Kind kind, boolean endOfStream) {
    }

    record Sequence(Direction direction, BodySendMode mode, boolean announced, List<Step> steps) {
        DirectionState replay() {
            DirectionState state = new DirectionState(direction);
            if (announced) {
                state.announce(mode);
            }
            steps.forEach(s -> state.accept(phase(direction, s.kind()), s.endOfStream()));
            return state;
        }
    }

    static PhaseName phase(Direction direction, PhaseName.Kind kind) {
        for (PhaseName p : PhaseName.values()) {
            if (p.direction() == direction && p.kind() == kind) {
                return p;
            }
        }
        throw new AssertionError();
    }

    @Provide
    Arbitrary<Sequence> legal() {
        Arbitrary<BodySendMode> modes = Arbitraries.of(BodySendMode.NONE, BodySendMode.STREAMED, BodySendMode.BUFFERED,
                BodySendMode.BUFFERED_PARTIAL, BodySendMode.FULL_DUPLEX_STREAMED);
        return Combinators.combine(Arbitraries.of(Direction.values()), modes, Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 6))
                .as((direction, mode, announced, headers, trailers, chunks) -> {
                    List<Step> steps = new ArrayList<>();
                    int bodies = switch (mode) {
                        case NONE -> 0;
                        case BUFFERED, BUFFERED_PARTIAL -> Math.min(chunks, 1);
                        default -> chunks;
                    };
                    if (headers) {
                        steps.add(new Step(PhaseName.Kind.HEADERS, bodies == 0 && !trailers));
                    }
                    for (int i = 0; i < bodies; i++) {
                        steps.add(new Step(PhaseName.Kind.BODY, i == bodies - 1 && !trailers));
                    }
                    if (trailers) {
                        steps.add(new Step(PhaseName.Kind.TRAILERS, true));
                    }
                    return new Sequence(direction, mode, announced, steps);
                });
    }

    /** Accepted, and a sequence of messages ends its path with its last message (legal() ends every one it starts). */
    @Property
    void everyLegalSequenceIsAccepted(@ForAll("legal") Sequence sequence) {
        assertThat(sequence.replay().describe()).isEqualTo(endOfPath(sequence));
    }

    /** What {@link DirectionState#describe()} says after {@code sequence}, worked out from its steps alone. */
    private static String endOfPath(Sequence sequence) {
        String path = "on the " + sequence.direction().wireName() + " path";
        if (sequence.steps().isEmpty()) {
            return path + " before any " + sequence.direction().wireName() + "_headers";
        }
        PhaseName.Kind last = sequence.steps().get(sequence.steps().size() - 1).kind();
        String message = phase(sequence.direction(), last).wireName();
        return path + " after " + message + (last == PhaseName.Kind.TRAILERS ? "" : " with end_of_stream=true");
    }

    @Property
    void nothingMayFollowTheEndOfAPath(@ForAll("legal") Sequence sequence,
            @ForAll PhaseName.Kind extra, @ForAll boolean endOfStream) {
        Assume.that(!sequence.steps().isEmpty() && sequence.steps().get(sequence.steps().size() - 1).endOfStream());
        DirectionState state = sequence.replay();
        assertThatThrownBy(() -> state.accept(phase(sequence.direction(), extra), endOfStream))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains(phase(sequence.direction(), extra).wireName());
                });
    }

    @Property
    void headersNeverComeTwice(@ForAll("legal") Sequence sequence) {
        Assume.that(!sequence.steps().isEmpty() && sequence.steps().get(0).kind() == PhaseName.Kind.HEADERS);
        DirectionState state = sequence.replay();
        assertThatThrownBy(() -> state.accept(phase(sequence.direction(), PhaseName.Kind.HEADERS), false))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }
}
