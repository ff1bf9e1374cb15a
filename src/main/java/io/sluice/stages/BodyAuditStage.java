package io.sluice.stages;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.Direction;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;

/**
 * For observability mode: records the size and SHA-256 of every request and response body as it streams past,
 * changing nothing (in observability mode Envoy ignores replies anyway). One log line per body under the
 * category {@code io.sluice.audit}, and the sizes in {@code sluice_body_audit_bytes}.
 */
@ApplicationScoped
@Identifier("body-audit")
public class BodyAuditStage implements Stage {

    private static final Logger AUDIT = Logger.getLogger("io.sluice.audit");
    private static final ExchangeContext.Key<Digest> REQUEST = ExchangeContext.Key.of("body-audit.request", Digest.class);
    private static final ExchangeContext.Key<Digest> RESPONSE = ExchangeContext.Key.of("body-audit.response", Digest.class);

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
    public Uni<Outcome> onBody(BodyPhase phase) {
        Direction direction = phase.direction();
        ExchangeContext exchange = phase.exchange();
        Digest digest = exchange.computeIfAbsent(direction == Direction.REQUEST ? REQUEST : RESPONSE, Digest::new);
        digest.update(phase.chunk());
        if (phase.endOfStream()) {
            (direction == Direction.REQUEST ? requestBytes : responseBytes).record(digest.bytes);
            AUDIT.infof("[%s] %s body %s %d bytes sha256=%s", exchange.id(), direction.wireName(),
                    exchange.path().orElse("-"), digest.bytes, HexFormat.of().formatHex(digest.sha256.digest()));
        }
        return Outcome.proceed();
    }

    /** One direction's body so far. */
    static final class Digest {
        final MessageDigest sha256;
        long bytes;

        Digest() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no SHA-256", e);
            }
        }

        void update(ByteString chunk) {
            chunk.asReadOnlyByteBufferList().forEach(sha256::update);
            bytes += chunk.size();
        }
    }
}
