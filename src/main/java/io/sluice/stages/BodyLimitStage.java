package io.sluice.stages;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.Direction;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;

/**
 * Counts body bytes as they stream and answers with an immediate response as soon as a body outgrows its limit,
 * without waiting for (or buffering) the rest. Works in every body mode: in BUFFERED modes the one message is
 * the whole (or partial) body.
 */
@ApplicationScoped
@Identifier("body-limit")
public class BodyLimitStage implements Stage {

    /** Body bytes seen so far, indexed by {@link Direction#ordinal()}. */
    private static final ExchangeContext.Key<long[]> SEEN = ExchangeContext.Key.of("body-limit.seen", long[].class);

    private final BodyLimitConfig config;

    public BodyLimitStage(BodyLimitConfig config) {
        this.config = config;
    }

    @Override
    public Uni<Outcome> onBody(BodyPhase phase) {
        Direction direction = phase.direction();
        long[] seen = phase.exchange().computeIfAbsent(SEEN, () -> new long[2]);
        seen[direction.ordinal()] += phase.chunk().size();
        boolean request = direction == Direction.REQUEST;
        long limit = request ? config.maxRequestBytes() : config.maxResponseBytes();
        if (seen[direction.ordinal()] <= limit) {
            return Outcome.proceed();
        }
        return Outcome.respond(ImmediateReply.status(request ? config.requestStatus() : config.responseStatus())
                .header("content-type", "text/plain")
                .body(direction.wireName() + " body exceeds " + limit + " bytes\n")
                .details("sluice_" + direction.wireName() + "_body_too_large")
                .build());
    }
}
