package io.sluice.enrichment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/**
 * Calls the enrichment service once per exchange, on the configured headers phase, and applies its answer: headers,
 * dynamic metadata, or a denial as an immediate response. When the service cannot answer, the stage's policy in the
 * exchange's pipeline decides, as for any stage, with what only this stage knows: fail-open adds a marker header,
 * respond names the reason in its details, grpc-error ends the stream with it.
 */
@ApplicationScoped
@Identifier(EnrichmentStage.NAME)
public class EnrichmentStage implements Stage {

    static final String NAME = "enrichment";
    private static final Logger LOG = Logger.getLogger(EnrichmentStage.class);

    private final EnrichmentService service;
    private final EnrichmentConfig config;
    private final Map<EnrichmentMetrics.Outcome, AtomicLong> failures = new ConcurrentHashMap<>();

    public EnrichmentStage(EnrichmentService service) {
        this.service = service;
        this.config = service.config();
    }

    @Override
    public Uni<Outcome> onHeaders(HeadersPhase phase) {
        return phase.direction() == config.phase().direction() ? enrich(phase) : Outcome.proceed();
    }

    /** The gRPC transport's connection opens here, before Sluice reports ready; HTTP opens connections with calls only. */
    @Override
    public Uni<Void> prepare() {
        return service.connect();
    }

    private Uni<Outcome> enrich(HeadersPhase phase) {
        ExchangeContext exchange = phase.exchange();
        if (exchange.warmUp() && !config.warmUpCalls()) {
            return Outcome.proceed();
        }
        return service.enrich(service.query(exchange), service.cacheKey(exchange), exchange.warmUp())
                .map(result -> apply(phase, result.answer()))
                .onFailure().recoverWithItem(failure -> failed(phase, EnrichmentFailure.of(failure)));
    }

    private Outcome apply(HeadersPhase phase, EnrichmentAnswer answer) {
        if (answer.deny() != null) {
            EnrichmentAnswer.Deny deny = answer.deny();
            ImmediateReply.Builder reply = ImmediateReply.status(deny.status()).details("sluice_enrichment_denied");
            if (deny.body() != null) {
                reply.body(deny.body());
            }
            if (deny.headers() != null) {
                deny.headers().forEach(reply::header);
            }
            return reply.build();
        }
        answer.headers().forEach((name, value) -> phase.headers().set(name, value));
        answer.metadata().forEach((key, value) -> phase.emitMetadata(config.metadataNamespace(), key, MetadataValues.of(value)));
        return Outcome.Continue.INSTANCE;
    }

    private Outcome failed(HeadersPhase phase, EnrichmentFailure failure) {
        String pipeline = phase.exchange().pipeline();
        StagePolicy policy = phase.policy();
        if (phase.exchange().warmUp()) {
            // Not the operator's traffic: neither in the count that paces the log nor at WARN.
            LOG.debugf("enrichment failed for a warm-up exchange (%s): %s", failure.outcome().tag(), failure.reason());
        } else {
            long count = failures.computeIfAbsent(failure.outcome(), o -> new AtomicLong()).incrementAndGet();
            // Every failure is counted in the metrics; the log gets the 1st, 2nd, 4th, 8th... of each kind.
            if (Long.bitCount(count) == 1) {
                LOG.warnf("enrichment failed (%s, %d so far): %s; pipeline %s: %s", failure.outcome().tag(), count,
                        failure.reason(), pipeline, policy.onFailure().configValue());
            }
        }
        return switch (policy.onFailure()) {
            case FAIL_OPEN -> {
                phase.headers().set(config.markerHeader(), config.markerValue());
                yield Outcome.Continue.INSTANCE;
            }
            case RESPOND -> ImmediateReply.status(policy.failureStatus()).header("content-type", "text/plain")
                    .body("enrichment unavailable\n").details("sluice_enrichment_" + failure.outcome().tag().replace('-', '_'))
                    .build();
            case GRPC_ERROR -> throw Status.UNAVAILABLE.withDescription("enrichment failed (" + failure.outcome().tag()
                    + "): " + failure.reason()).asRuntimeException();
        };
    }
}
