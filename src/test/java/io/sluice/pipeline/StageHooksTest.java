package io.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;
import io.sluice.stage.TrailersPhase;

/**
 * A pipeline calls a stage for a phase only when the stage overrides that phase's hook or the hook of both directions
 * it defaults to, wherever the override is declared.
 */
class StageHooksTest {

    static class BothBodies implements Stage {
        @Override
        public Uni<Outcome> onBody(BodyPhase phase) {
            return Outcome.proceed();
        }
    }

    static class RequestHeadersOnly implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            return Outcome.proceed();
        }
    }

    static class ResponseTrailersAndBothHeaders implements Stage {
        @Override
        public Uni<Outcome> onHeaders(HeadersPhase phase) {
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onResponseTrailers(TrailersPhase phase) {
            return Outcome.proceed();
        }
    }

    /** An author's base interface may supply the hook: it is still the stage's. */
    interface TrailerTagging extends Stage {
        @Override
        default Uni<Outcome> onTrailers(TrailersPhase phase) {
            return Outcome.proceed();
        }
    }

    static class InheritsTrailers implements TrailerTagging {
    }

    static class Nothing implements Stage {
    }

    static Set<PhaseName> phasesOf(Stage stage) {
        Pipeline pipeline = new Pipeline("p", List.of(new BoundStage("s", stage, StagePolicy.DEFAULT)));
        Set<PhaseName> phases = EnumSet.noneOf(PhaseName.class);
        for (PhaseName phase : PhaseName.values()) {
            if (pipeline.stagesFor(phase).length > 0) {
                phases.add(phase);
            }
        }
        return phases;
    }

    @Test
    void aHookForBothDirectionsAnswersBoth() {
        assertThat(phasesOf(new BothBodies())).containsExactlyInAnyOrder(PhaseName.REQUEST_BODY, PhaseName.RESPONSE_BODY);
    }

    @Test
    void aDirectionsHookAnswersThatDirectionOnly() {
        assertThat(phasesOf(new RequestHeadersOnly())).containsExactly(PhaseName.REQUEST_HEADERS);
    }

    @Test
    void bothKindsOfHookCombine() {
        assertThat(phasesOf(new ResponseTrailersAndBothHeaders())).containsExactlyInAnyOrder(PhaseName.REQUEST_HEADERS,
                PhaseName.RESPONSE_HEADERS, PhaseName.RESPONSE_TRAILERS);
    }

    @Test
    void aHookFromTheAuthorsOwnInterfaceCounts() {
        assertThat(phasesOf(new InheritsTrailers())).containsExactlyInAnyOrder(PhaseName.REQUEST_TRAILERS,
                PhaseName.RESPONSE_TRAILERS);
    }

    @Test
    void aStageWithoutHooksIsNeverCalled() {
        assertThat(phasesOf(new Nothing())).isEmpty();
    }

    @Test
    void theDirectionsHookDelegatesToTheHookOfBoth() {
        assertThat(phasesOf(new Stage() {
            @Override
            public Uni<Outcome> onResponseBody(BodyPhase phase) {
                return onBody(phase);
            }
        })).containsExactly(PhaseName.RESPONSE_BODY);
    }
}
