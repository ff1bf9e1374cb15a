package io.sluice.enrichment;

import io.smallrye.mutiny.Uni;

/** One transport to the enrichment service. Never blocks: the answer arrives as a {@link Uni}. */
public interface EnrichmentClient extends AutoCloseable {

    Uni<EnrichmentAnswer> enrich(EnrichmentQuery query);

    /**
     * Opens the connection before the first call, where the transport can without sending a request; ends when it is
     * open, fails when it cannot be. Transports that open connections only with a request do nothing.
     */
    default Uni<Void> connect() {
        return Uni.createFrom().voidItem();
    }

    @Override
    default void close() {
    }
}
