package io.sluice.enrichment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sluice.stage.Direction;

/**
 * {@code sluice.stage.enrichment.*}: where the enrichment service is, what Sluice tells it, and what a failure to
 * answer adds to the request. How long it may take and what a failure becomes are the stage's policy, as for every
 * stage ({@code timeout}, {@code on-failure}, {@code failure-status}, {@code pipeline-on-failure.<pipeline>}: see
 * {@link io.sluice.stage.StagePolicies}). Checked at start-up by {@link EnrichmentService} when a pipeline uses the
 * stage.
 */
@ConfigMapping(prefix = "sluice.stage.enrichment")
public interface EnrichmentConfig {

    enum Transport {
        /** POST of a JSON query to {@link #url()}, answered with JSON (Quarkus REST client). */
        HTTP,
        /** {@code sluice.enrichment.v1.Enrichment/Enrich} at {@link #grpcTarget()}. */
        GRPC
    }

    enum When {
        REQUEST_HEADERS(Direction.REQUEST), RESPONSE_HEADERS(Direction.RESPONSE);

        private final Direction direction;

        When(Direction direction) {
            this.direction = direction;
        }

        public Direction direction() {
            return direction;
        }
    }

    @WithDefault("http")
    Transport transport();

    /** The HTTP endpoint, e.g. {@code http://enricher.default.svc:8080/enrich}. Required for {@code http}. */
    Optional<String> url();

    /** {@code host:port} of the gRPC enrichment service (plaintext). Required for {@code grpc}. */
    Optional<String> grpcTarget();

    /** Which message of the exchange triggers the call; once per exchange. */
    @WithDefault("request-headers")
    When phase();

    /** Request headers sent to the service (as Envoy sent them), besides method, path and authority. */
    Optional<List<String>> sendHeaders();

    /** Envoy attributes sent to the service (e.g. {@code xds.route_name}, {@code source.address}). */
    Optional<List<String>> sendAttributes();

    /** Header added to the request when the stage fails open, so the upstream knows enrichment is missing. */
    @WithDefault("x-enrichment")
    String markerHeader();

    @WithDefault("unavailable")
    String markerValue();

    /** Dynamic metadata namespace of the service's {@code metadata} (add it to Envoy's receiving namespaces). */
    @WithDefault("io.sluice.enrichment")
    String metadataNamespace();

    /**
     * Whether Sluice's own warm-up exchanges (before it reports ready) call the service. Off: they skip the stage's call
     * as if it had proceeded, and the service never sees them. On: they call it, through the breaker and the bulkhead
     * but never the cache or the metrics, which warms the client's path too; for a service that takes synthetic queries
     * (authority {@code sluice-warm-up.invalid}, no user headers) and whose failures at start-up may count in the breaker.
     */
    @WithDefault("false")
    boolean warmUpCalls();

    CircuitBreaker circuitBreaker();

    Bulkhead bulkhead();

    Cache cache();

    interface CircuitBreaker {
        /** Calls in the rolling window over which the failure ratio is judged. */
        @WithDefault("20")
        int requestVolumeThreshold();

        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before it lets trial calls through (half-open). */
        @WithDefault("5s")
        Duration delay();

        /** Successful trial calls that close it again. */
        @WithDefault("1")
        int successThreshold();
    }

    interface Bulkhead {
        /** Calls in flight at once; more wait in the queue. */
        @WithDefault("64")
        int maxConcurrent();

        /** Calls waiting for a slot; beyond it a call fails at once (counted as {@code bulkhead-full}). */
        @WithDefault("1024")
        int queue();
    }

    interface Cache {
        @WithDefault("true")
        boolean enabled();

        /** How long an answer is reused (Caffeine {@code expire-after-write}). */
        @WithDefault("30s")
        Duration ttl();

        /**
         * The facts that make two exchanges ask the same question: {@code method}, {@code path}, {@code authority},
         * {@code header:<name>} or {@code attribute:<name>}.
         */
        @WithDefault("method,authority,path")
        List<String> key();
    }
}
