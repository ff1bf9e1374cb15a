package io.sluice.enrichment;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.sluice.config.SluiceConfig;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.StagePolicies;
import io.sluice.stage.StagePolicyKeys;

/**
 * The enrichment call as the stage makes it: the configured transport behind SmallRye Fault Tolerance (timeout,
 * circuit breaker, bulkhead) and quarkus-cache. Created, and its configuration checked, only when a pipeline uses
 * the {@code enrichment} stage; a bad URL, target or timeout fails start-up naming the key.
 */
@Singleton
public class EnrichmentService {

    /** Also the circuit breaker's name, for {@code CircuitBreakerMaintenance}. */
    public static final String NAME = "sluice-enrichment";
    /**
     * What the stage keeps of its timeout ({@code sluice.stage.enrichment.timeout}) beyond the call's: so that the call's
     * own timeout, counted as such and answered by the stage's policy, fires before the pipeline's backstop.
     */
    static final Duration STAGE_SLACK = Duration.ofMillis(25);

    /** One answer, and whether the cache gave it. */
    record Result(EnrichmentAnswer answer, boolean cached) {
    }

    private final EnrichmentConfig config;
    private final EnrichmentMetrics metrics;
    private final Cache cache;
    private final EnrichmentClient client;
    private final TypedGuard<Uni<EnrichmentAnswer>> guard;
    /** The timeout alone, for the warm-up's calls. */
    private final TypedGuard<Uni<EnrichmentAnswer>> warmUpGuard;
    private final List<String> keyFacts;

    public EnrichmentService(EnrichmentConfig config, SluiceConfig sluice, StagePolicyKeys policies,
            EnrichmentMetrics metrics, @CacheName(NAME) Cache cache) {
        this.config = config;
        this.metrics = metrics;
        this.cache = cache;
        Duration callTimeout = callTimeout(StagePolicies.of(policies, EnrichmentStage.NAME).timeout(), sluice);
        this.keyFacts = checkKeyFacts(config.cache().key());
        this.client = switch (config.transport()) {
            case HTTP -> new HttpEnrichmentClient(httpUrl(config), callTimeout, config.bulkhead().maxConcurrent());
            case GRPC -> grpcClient(config);
        };
        EnrichmentConfig.CircuitBreaker breaker = config.circuitBreaker();
        this.guard = TypedGuard.create(new TypeLiteral<Uni<EnrichmentAnswer>>() {
                })
                .withDescription(NAME)
                .withTimeout().duration(callTimeout.toMillis(), ChronoUnit.MILLIS).done()
                .withCircuitBreaker().name(NAME)
                .requestVolumeThreshold(breaker.requestVolumeThreshold())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(breaker.successThreshold())
                // A full bulkhead says Sluice is busy, not that the service is failing.
                .skipOn(BulkheadException.class)
                .done()
                .withBulkhead().limit(config.bulkhead().maxConcurrent()).queueSize(config.bulkhead().queue()).done()
                .build();
        // The warm-up's calls run while this JVM is cold, when the first calls can outlast the timeout: counted in the
        // breaker, they would open it and fail Envoy's first exchanges, which the warm-up is there to serve.
        this.warmUpGuard = TypedGuard.create(new TypeLiteral<Uni<EnrichmentAnswer>>() {
                })
                .withDescription(NAME + "-warm-up")
                .withTimeout().duration(callTimeout.toMillis(), ChronoUnit.MILLIS).done()
                .build();
    }

    /** The query for this exchange: method, path, authority, and the configured headers and attributes. */
    EnrichmentQuery query(ExchangeContext exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        config.sendHeaders().orElse(List.of())
                .forEach(name -> exchange.requestHeader(name).ifPresent(value -> headers.put(name, value)));
        Map<String, String> attributes = new LinkedHashMap<>();
        config.sendAttributes().orElse(List.of())
                .forEach(name -> exchange.attribute(name).ifPresent(value -> attributes.put(name, value)));
        return new EnrichmentQuery(exchange.method().orElse(""), exchange.path().orElse(""),
                exchange.authority().orElse(""), headers, attributes);
    }

    /** The cache key: the configured facts of this exchange. */
    String cacheKey(ExchangeContext exchange) {
        StringBuilder key = new StringBuilder();
        for (String fact : keyFacts) {
            String value = switch (fact) {
                case "method" -> exchange.method().orElse("");
                case "path" -> exchange.path().orElse("");
                case "authority" -> exchange.authority().orElse("");
                default -> fact.startsWith("header:") ? exchange.requestHeader(fact.substring(7)).orElse("")
                        : exchange.attribute(fact.substring(10)).orElse("");
            };
            key.append(value).append('\u0000');
        }
        return key.toString();
    }

    Uni<Result> enrich(EnrichmentQuery query, String cacheKey) {
        return enrich(query, cacheKey, false);
    }

    /**
     * @param warmUp for one of Sluice's warm-up exchanges: its answer is neither taken from nor put in the cache (it
     *               answers a synthetic query), and it is counted neither in the metrics nor in the circuit breaker
     */
    Uni<Result> enrich(EnrichmentQuery query, String cacheKey, boolean warmUp) {
        long start = System.nanoTime();
        TypedGuard<Uni<EnrichmentAnswer>> chosen = warmUp ? warmUpGuard : guard;
        Uni<EnrichmentAnswer> call = Uni.createFrom().deferred(() -> chosen.get(() -> client.enrich(query)));
        if (warmUp) {
            return call.map(answer -> new Result(answer, false));
        }
        Uni<Result> result;
        if (config.cache().enabled()) {
            boolean[] called = { false };
            result = cache.<String, EnrichmentAnswer>getAsync(cacheKey, key -> {
                called[0] = true;
                return call;
            }).map(answer -> new Result(answer, !called[0]));
        } else {
            result = call.map(answer -> new Result(answer, false));
        }
        return result.onItemOrFailure().invoke((item, failure) -> metrics.record(
                failure != null ? EnrichmentFailure.of(failure).outcome()
                        : item.cached() ? EnrichmentMetrics.Outcome.CACHE_HIT : EnrichmentMetrics.Outcome.OK,
                Duration.ofNanos(System.nanoTime() - start)));
    }

    /** Opens the client's connection ahead of the first call, where its transport can (see {@link EnrichmentClient#connect}). */
    Uni<Void> connect() {
        return client.connect();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The call's share of the stage's timeout, which must fit Envoy's timer as every phase's budget must. */
    private static Duration callTimeout(Duration timeout, SluiceConfig sluice) {
        String key = "sluice.stage." + EnrichmentStage.NAME + ".timeout=" + timeout;
        if (timeout.compareTo(STAGE_SLACK) <= 0) {
            throw new ConfigurationException(key + " must exceed the " + STAGE_SLACK.toMillis()
                    + " ms the stage keeps beyond its call");
        }
        Duration envoy = sluice.exchange().envoyMessageTimeout();
        var max = sluice.exchange().maxMessageTimeout();
        if (timeout.compareTo(envoy) > 0 && max.isEmpty()) {
            throw new ConfigurationException(key + " does not fit inside Envoy's message_timeout "
                    + "(sluice.exchange.envoy-message-timeout=" + envoy + "): lower it, or let the ext_proc filter accept "
                    + "override_message_timeout (max_message_timeout) and set sluice.exchange.max-message-timeout to match");
        }
        if (max.isPresent() && timeout.compareTo(max.get()) > 0) {
            throw new ConfigurationException(key + " exceeds sluice.exchange.max-message-timeout=" + max.get());
        }
        return timeout.minus(STAGE_SLACK);
    }

    private static List<String> checkKeyFacts(List<String> facts) {
        for (String fact : facts) {
            boolean known = fact.equals("method") || fact.equals("path") || fact.equals("authority")
                    || (fact.startsWith("header:") && fact.length() > 7)
                    || (fact.startsWith("attribute:") && fact.length() > 10);
            if (!known) {
                throw new ConfigurationException("sluice.stage.enrichment.cache.key: unknown fact '" + fact
                        + "'; use method, path, authority, header:<name> or attribute:<name>");
            }
        }
        return List.copyOf(facts);
    }

    private static URI httpUrl(EnrichmentConfig config) {
        String raw = config.url().orElseThrow(() -> new ConfigurationException(
                "sluice.stage.enrichment.url is required when sluice.stage.enrichment.transport=http"));
        try {
            URI url = new URI(raw);
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new ConfigurationException("sluice.stage.enrichment.url=" + raw + " is not an absolute http(s) URL");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("sluice.stage.enrichment.url=" + raw + " is not a URL: " + e.getMessage());
        }
    }

    private static EnrichmentClient grpcClient(EnrichmentConfig config) {
        String raw = config.grpcTarget().orElseThrow(() -> new ConfigurationException(
                "sluice.stage.enrichment.grpc-target is required when sluice.stage.enrichment.transport=grpc"));
        int colon = raw.lastIndexOf(':');
        try {
            int port = Integer.parseInt(raw.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new GrpcEnrichmentClient(raw.substring(0, colon), port);
        } catch (RuntimeException e) {
            throw new ConfigurationException("sluice.stage.enrichment.grpc-target=" + raw + " is not host:port");
        }
    }

    EnrichmentConfig config() {
        return config;
    }
}
