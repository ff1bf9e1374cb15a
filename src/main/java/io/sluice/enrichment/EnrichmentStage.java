package io.sluice.enrichment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

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
 * dynamic metadata, or a denial as an immediate response. When the service cannot answer, the pipeline's policy
 * decides: fail open (a marker header, counted and logged) or fail closed (an immediate response with details).
 */
@ApplicationScoped
@Identifier("enrichment")
public class EnrichmentStage implements Stage {

    private static final Logger LOG = Logger.getLogger(EnrichmentStage.class);

    private final EnrichmentService service;
    private final EnrichmentConfig config;
    private final StagePolicy policy;
    private final Map<EnrichmentMetrics.Outcome, AtomicLong> failures = new ConcurrentHashMap<>();

    public EnrichmentStage(EnrichmentService service) {
        this.service = service;
        this.config = service.config();
        // The guard's timeout fires first; the stage's own is only a backstop for a bug in this stage.
        this.policy = StagePolicy.of(config.timeout().plus(EnrichmentService.STAGE_SLACK), StagePolicy.OnFailure.GRPC_ERROR,
                config.failureStatus());
    }

    @Override
    public Uni<Outcome> onHeaders(HeadersPhase phase) {
        return phase.direction() == config.phase().direction() ? enrich(phase) : Outcome.proceed();
    }

    @Override
    public StagePolicy policy() {
        return policy;
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
        EnrichmentConfig.OnFailure onFailure = config.pipelineOnFailure().getOrDefault(pipeline, config.onFailure());
        if (phase.exchange().warmUp()) {
            // Not the operator's traffic: neither in the count that paces the log nor at WARN.
            LOG.debugf("enrichment failed for a warm-up exchange (%s): %s", failure.outcome().tag(), failure.reason());
        } else {
            long count = failures.computeIfAbsent(failure.outcome(), o -> new AtomicLong()).incrementAndGet();
            // Every failure is counted in the metrics; the log gets the 1st, 2nd, 4th, 8th... of each kind.
            if (Long.bitCount(count) == 1) {
                LOG.warnf("enrichment failed (%s, %d so far): %s; pipeline %s fails %s", failure.outcome().tag(), count,
                        failure.reason(), pipeline, onFailure == EnrichmentConfig.OnFailure.FAIL_OPEN ? "open" : "closed");
            }
        }
        if (onFailure == EnrichmentConfig.OnFailure.FAIL_CLOSED) {
            return ImmediateReply.status(config.failureStatus()).header("content-type", "text/plain")
                    .body("enrichment unavailable\n").details("sluice_enrichment_" + failure.outcome().tag().replace('-', '_'))
                    .build();
        }
        phase.headers().set(config.markerHeader(), config.markerValue());
        return Outcome.Continue.INSTANCE;
    }
}
