package io.sluice.enrichment;

import io.smallrye.mutiny.Uni;

/** One transport to the enrichment service. Never blocks: the answer arrives as a {@link Uni}. */
public interface EnrichmentClient extends AutoCloseable {

    Uni<EnrichmentAnswer> enrich(EnrichmentQuery query);

    @Override
    default void close() {
    }
}
