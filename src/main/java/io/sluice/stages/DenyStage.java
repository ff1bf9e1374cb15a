package io.sluice.stages;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/** Answers matching requests with an immediate response instead of letting them reach the upstream. */
@ApplicationScoped
@Identifier("deny")
public class DenyStage implements Stage {

    private final DenyConfig config;
    private final ImmediateReply reply;

    public DenyStage(DenyConfig config) {
        this.config = config;
        ImmediateReply.Builder builder = ImmediateReply.status(config.status()).body(config.body()).details(config.details());
        config.headers().forEach(builder::header);
        config.grpcStatus().ifPresent(builder::grpcStatus);
        this.reply = builder.build();
    }

    @Override
    public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
        boolean matches = config.pathPrefixes()
                .map(prefixes -> phase.exchange().path().map(path -> prefixes.stream().anyMatch(path::startsWith)).orElse(false))
                .orElse(true);
        return matches ? Outcome.respond(reply) : Outcome.proceed();
    }
}
