package io.sluice.enrichment;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;

/** The HTTP enrichment service: {@code POST <url>} with an {@link EnrichmentQuery}, answered with JSON. */
public interface EnrichmentApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<EnrichmentAnswer> enrich(EnrichmentQuery query);
}
