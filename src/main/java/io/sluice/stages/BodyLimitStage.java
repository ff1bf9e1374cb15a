package io.sluice.stages;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/**
 * Counts body bytes as they stream and answers with an immediate response as soon as a body outgrows its limit,
 * without waiting for (or buffering) the rest. Works in every body mode: in BUFFERED modes the one message is
 * the whole (or partial) body.
 */
@ApplicationScoped
@Identifier("body-limit")
public class BodyLimitStage implements Stage {

    private static final ExchangeContext.Key<long[]> SEEN = ExchangeContext.Key.of("body-limit.seen", long[].class);

    private final BodyLimitConfig config;

    public BodyLimitStage(BodyLimitConfig config) {
        this.config = config;
    }

    @Override
    public Uni<Outcome> onRequestBody(BodyPhase phase) {
        return count(phase, 0, config.maxRequestBytes(), config.requestStatus(), "request");
    }

    @Override
    public Uni<Outcome> onResponseBody(BodyPhase phase) {
        return count(phase, 1, config.maxResponseBytes(), config.responseStatus(), "response");
    }

    private static Uni<Outcome> count(BodyPhase phase, int direction, long limit, int status, String what) {
        long[] seen = phase.exchange().computeIfAbsent(SEEN, () -> new long[2]);
        seen[direction] += phase.chunk().size();
        if (seen[direction] <= limit) {
            return Outcome.proceed();
        }
        return Outcome.respond(ImmediateReply.status(status)
                .header("content-type", "text/plain")
                .body(what + " body exceeds " + limit + " bytes\n")
                .details("sluice_" + what + "_body_too_large")
                .build());
    }

    @Override
    public StagePolicy policy() {
        return config;
    }
}
