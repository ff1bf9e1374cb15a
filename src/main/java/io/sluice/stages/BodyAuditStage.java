package io.sluice.stages;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/**
 * For observability mode: records the size and SHA-256 of every request and response body as it streams past,
 * changing nothing (in observability mode Envoy ignores replies anyway). One log line per body under the
 * category {@code io.sluice.audit}, and the sizes in {@code sluice_body_audit_bytes}.
 */
@ApplicationScoped
@Identifier("body-audit")
public class BodyAuditStage implements Stage {

    private static final Logger AUDIT = Logger.getLogger("io.sluice.audit");
    private static final ExchangeContext.Key<Digests> DIGESTS = ExchangeContext.Key.of("body-audit", Digests.class);

    private final DistributionSummary requestBytes;
    private final DistributionSummary responseBytes;

    public BodyAuditStage(MeterRegistry registry) {
        this.requestBytes = DistributionSummary.builder("sluice.body.audit.bytes")
                .description("Sizes of the bodies the body-audit stage saw, by direction").tag("direction", "request")
                .baseUnit("bytes").register(registry);
        this.responseBytes = DistributionSummary.builder("sluice.body.audit.bytes")
                .description("Sizes of the bodies the body-audit stage saw, by direction").tag("direction", "response")
                .baseUnit("bytes").register(registry);
    }

    @Override
    public Uni<Outcome> onRequestBody(BodyPhase phase) {
        return record(phase, 0, "request", requestBytes);
    }

    @Override
    public Uni<Outcome> onResponseBody(BodyPhase phase) {
        return record(phase, 1, "response", responseBytes);
    }

    private static Uni<Outcome> record(BodyPhase phase, int direction, String name, DistributionSummary sizes) {
        ExchangeContext exchange = phase.exchange();
        Digests digests = exchange.computeIfAbsent(DIGESTS, Digests::new);
        MessageDigest digest = digests.sha256[direction];
        phase.chunk().asReadOnlyByteBufferList().forEach(digest::update);
        digests.bytes[direction] += phase.chunk().size();
        if (phase.endOfStream()) {
            sizes.record(digests.bytes[direction]);
            AUDIT.infof("[%s] %s body %s %d bytes sha256=%s", exchange.id(), name,
                    exchange.path().orElse("-"), digests.bytes[direction], HexFormat.of().formatHex(digest.digest()));
        }
        return Outcome.proceed();
    }

    /** Auditing must never stand in the way of traffic. */
    @Override
    public StagePolicy policy() {
        return StagePolicy.of(java.time.Duration.ofMillis(150), StagePolicy.OnFailure.FAIL_OPEN, 503);
    }

    static final class Digests {
        final MessageDigest[] sha256 = { sha256(), sha256() };
        final long[] bytes = new long[2];

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no SHA-256", e);
            }
        }
    }
}
