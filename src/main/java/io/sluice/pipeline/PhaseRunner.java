package io.sluice.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;
import io.sluice.stage.StagePolicy;

/**
 * What every stream's {@link StageRun} shares: where stages are timed and counted, and what a stage's failure
 * becomes under its policy (logged once per stage and policy at WARN, then counted).
 */
@Singleton
public class PhaseRunner {

    private static final Logger LOG = Logger.getLogger(PhaseRunner.class);

    private final ExchangeMetrics metrics;
    /** Stage and policy pairs whose failure was already logged at WARN; later ones are counted and logged at DEBUG. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public PhaseRunner(ExchangeMetrics metrics) {
        this.metrics = metrics;
    }

    /** The runner of one stream's messages; {@code wakeUp} is called, from any thread, when a stage answers late. */
    public StageRun newRun(Runnable wakeUp) {
        return new StageRun(this, wakeUp);
    }

    ExchangeMetrics metrics() {
        return metrics;
    }

    /**
     * What a failed or timed-out stage's hook becomes: the next stage (fail-open), an immediate response (respond),
     * or a gRPC status that ends the stream (grpc-error, thrown).
     */
    Outcome onFailure(BoundStage stage, PhaseName phase, Throwable failure, ExchangeContext exchange) {
        StagePolicy policy = stage.policy();
        boolean timeout = failure instanceof StageTimeoutException;
        metrics.stageFailed(stage.name(), phase, policy.onFailure(), timeout);
        String what = timeout ? failure.getMessage()
                : "stage '" + stage.name() + "' failed on " + phase.wireName() + ": " + failure;
        String key = stage.name() + "/" + policy.onFailure();
        if (logged.add(key)) {
            LOG.warnf(timeout ? null : failure, "[%s] %s; policy %s (further failures of this stage are counted in "
                    + "sluice_stage_failures_total and logged at DEBUG)", exchange.id(), what, policy.onFailure());
        } else {
            LOG.debugf("[%s] %s; policy %s", exchange.id(), what, policy.onFailure());
        }
        return switch (policy.onFailure()) {
            case FAIL_OPEN -> Outcome.Continue.INSTANCE;
            case RESPOND -> ImmediateReply.status(policy.failureStatus())
                    .details("sluice_stage_" + stage.name() + (timeout ? "_timeout" : "_failed"))
                    .build();
            case GRPC_ERROR -> throw asStatus(failure, what, timeout);
        };
    }

    private static StatusRuntimeException asStatus(Throwable failure, String what, boolean timeout) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre;
        }
        return (timeout ? Status.DEADLINE_EXCEEDED : Status.INTERNAL).withDescription(what).asRuntimeException();
    }
}
