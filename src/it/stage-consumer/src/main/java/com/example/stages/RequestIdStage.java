package com.example.stages;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/** Gives every request an id, keeping the client's own, and tells Envoy's access log which one it is. */
@ApplicationScoped
@Identifier("request-id")
public class RequestIdStage implements Stage {

    private final RequestIdConfig config;

    public RequestIdStage(RequestIdConfig config) {
        this.config = config;
    }

    @Override
    public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
        String id = phase.headers().get(config.header()).orElseGet(() -> UUID.randomUUID().toString());
        phase.headers().set(config.header(), id);
        phase.emitMetadata("com.example.request-id", "id", id);
        return Outcome.proceed();
    }
}
