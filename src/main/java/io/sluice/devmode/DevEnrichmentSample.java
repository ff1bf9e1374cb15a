package io.sluice.devmode;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The sample enrichment service that {@code ./mvnw quarkus:dev} serves at {@code POST /dev/enrichment} on the HTTP
 * port, for the demo pipeline's {@code enrichment} stage to call. It exists only in the dev build: production names a
 * real service in {@code sluice.stage.enrichment.url}. Answers tenant and user headers and a {@code tier} metadata
 * entry; a path containing {@code /deny} gets a 403 denial, to show that side too.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevEnrichmentSample {

    public static final String PATH = "/dev/enrichment";

    void routes(@Observes Router router) {
        router.post(PATH).handler(BodyHandler.create()).handler(ctx -> {
            JsonObject query = ctx.body().asJsonObject();
            String path = query.getString("path", "");
            JsonObject answer;
            if (path.contains("/deny")) {
                answer = new JsonObject().put("deny", new JsonObject().put("status", 403)
                        .put("body", "denied by the dev enrichment sample\n")
                        .put("headers", new JsonObject().put("content-type", "text/plain")));
            } else {
                String user = query.getJsonObject("headers", new JsonObject()).getString("x-user", "anonymous");
                answer = new JsonObject()
                        .put("headers", new JsonObject().put("x-enrichment-tenant", "demo").put("x-enrichment-user", user))
                        .put("metadata", new JsonObject().put("tier", "gold"));
            }
            ctx.response().putHeader("content-type", "application/json").end(answer.encode());
        });
    }
}
