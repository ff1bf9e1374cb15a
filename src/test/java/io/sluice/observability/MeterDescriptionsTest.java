package io.sluice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.stage.Direction;
import io.sluice.stage.PhaseName;
import io.sluice.stage.StagePolicy;
import io.sluice.stages.BodyAuditStage;

/**
 * Every {@code sluice_*} meter carries a description: it becomes the HELP line of {@code /q/metrics}, and
 * {@code promtool check metrics} reports a meter without one. Some meters exist only after their first event, so each
 * recording method is called once before the registry is read.
 */
class MeterDescriptionsTest {

    @Test
    void everyExchangeMeterHasADescription() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExchangeMetrics metrics = new ExchangeMetrics(registry);
        metrics.exchangeLimit(400, new AtomicInteger());
        metrics.streamStarted();
        metrics.streamRefused();
        metrics.streamError(ExchangeMetrics.ErrorCause.STAGE);
        metrics.bodyBytes(Direction.REQUEST, ExchangeMetrics.Flow.IN, 10);
        metrics.modeOverride(Direction.RESPONSE, "body_streamed");
        metrics.stageAnswered("eg-demo", PhaseName.REQUEST_HEADERS, 1_000);
        metrics.messageTimers("default")[PhaseName.REQUEST_HEADERS.ordinal()].record(java.time.Duration.ofNanos(1_000));
        metrics.immediateResponse(PhaseName.REQUEST_HEADERS, "default", 403);
        metrics.messageTimeoutOverride();
        metrics.stageFailed("eg-demo", PhaseName.REQUEST_HEADERS, StagePolicy.OnFailure.FAIL_OPEN, true);
        metrics.streamEnded(ExchangeMetrics.End.CANCELLED, 1);

        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains("sluice.streams.active",
                "sluice.streams.ended", "sluice.message.timeout.overrides", "sluice.stage.failures",
                "sluice.immediate.responses", "sluice.mode.overrides", "sluice.exchanges.limit");
        assertDescribed(registry);
    }

    @Test
    void bodyAuditMeterHasADescription() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new BodyAuditStage(registry);
        assertThat(registry.getMeters()).isNotEmpty();
        assertDescribed(registry);
    }

    static void assertDescribed(SimpleMeterRegistry registry) {
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getDescription()).as(meter.getId().toString()).isNotBlank();
        }
    }
}
