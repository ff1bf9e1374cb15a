package io.sluice.example;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/** The README's example stage: only known tenants get through, and the upstream learns which one it was. */
@ApplicationScoped
@Identifier("tenant")
public class TenantStage implements Stage {

    private final TenantConfig config;

    public TenantStage(TenantConfig config) {
        this.config = config;
    }

    @Override
    public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
        String tenant = phase.headers().get("x-tenant").orElse("");
        if (!config.allowed().contains(tenant)) {
            return Outcome.respond(ImmediateReply.status(403)
                    .header("content-type", "text/plain")
                    .body("unknown tenant\n")
                    .details("tenant_rejected")
                    .build());
        }
        phase.headers().set("x-tenant-verified", tenant);
        phase.emitMetadata("sluice.tenant", "id", tenant);
        return Outcome.proceed();
    }
}
