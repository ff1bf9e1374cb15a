package io.sluice.enrichment;

import java.net.URI;
import java.time.Duration;

import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/** The Quarkus REST client (non-blocking, on Vert.x) built for the configured URL. */
final class HttpEnrichmentClient implements EnrichmentClient {

    private final EnrichmentApi api;

    HttpEnrichmentClient(URI url, Duration timeout, int connections) {
        // The guard's timeout decides; these only stop a socket from outliving it by much.
        long millis = Math.max(1, timeout.toMillis()) + 1000;
        this.api = QuarkusRestClientBuilder.newBuilder().baseUri(url)
                .connectTimeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .readTimeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS)
                // One HTTP/1.1 connection per call the bulkhead lets through; the default pool (50) would otherwise
                // be a second, hidden bulkhead.
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, connections)
                .build(EnrichmentApi.class);
    }

    @Override
    public Uni<EnrichmentAnswer> enrich(EnrichmentQuery query) {
        return api.enrich(query).map(answer -> {
            if (answer == null) {
                throw new EnrichmentAnswer.InvalidAnswerException("empty answer, expected a JSON object");
            }
            return answer.validated();
        });
    }

    @Override
    public void close() {
        if (api instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing at shutdown; nothing to do about it
            }
        }
    }
}
