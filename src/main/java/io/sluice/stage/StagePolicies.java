package io.sluice.stage;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.sluice.stage.StagePolicy.OnFailure;

/**
 * A stage's {@link StagePolicy} from its {@link StagePolicyKeys}, by the name pipelines give the stage: the pipeline
 * binds it, so a stage never has to. Keys left unset take {@link StagePolicy#DEFAULT}'s values; a stage's own
 * defaults are configuration too (for the built-in stages, {@code META-INF/microprofile-config.properties}). A bad
 * value fails start-up naming the key, and a value of the old enrichment vocabulary names its replacement.
 */
public final class StagePolicies {

    private static final StagePolicyKeys.Keys NONE = new StagePolicyKeys.Keys() {
        public Optional<Duration> timeout() {
            return Optional.empty();
        }

        public Optional<String> onFailure() {
            return Optional.empty();
        }

        public OptionalInt failureStatus() {
            return OptionalInt.empty();
        }

        public Map<String, String> pipelineOnFailure() {
            return Map.of();
        }
    };

    private StagePolicies() {
    }

    /** The stage's policy wherever no pipeline overrides its {@code on-failure}. */
    public static StagePolicy of(StagePolicyKeys config, String stage) {
        String prefix = prefix(stage);
        StagePolicyKeys.Keys keys = keys(config, stage);
        Duration timeout = keys.timeout().orElse(StagePolicy.DEFAULT.timeout());
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException(prefix + "timeout=" + timeout + " must be positive");
        }
        int status = keys.failureStatus().orElse(StagePolicy.DEFAULT.failureStatus());
        if (status < 200 || status > 599) {
            // Envoy turns an immediate response status below 200 into 200.
            throw new ConfigurationException(prefix + "failure-status=" + status + " must be within 200..599");
        }
        OnFailure onFailure = keys.onFailure().map(value -> parse(prefix + "on-failure", value))
                .orElse(StagePolicy.DEFAULT.onFailure());
        return new StagePolicy(timeout, onFailure, status);
    }

    /** The stage's policy in {@code pipeline}: {@code pipeline-on-failure.<pipeline>} overrides {@code on-failure}. */
    public static StagePolicy of(StagePolicyKeys config, String stage, String pipeline) {
        StagePolicy policy = of(config, stage);
        String override = keys(config, stage).pipelineOnFailure().get(pipeline);
        return override == null ? policy
                : policy.withOnFailure(parse(prefix(stage) + "pipeline-on-failure." + pipeline, override));
    }

    /** The pipelines that {@code sluice.stage.<stage>.pipeline-on-failure.<pipeline>} names. */
    public static Set<String> pipelinesOverriding(StagePolicyKeys config, String stage) {
        return keys(config, stage).pipelineOnFailure().keySet();
    }

    private static StagePolicyKeys.Keys keys(StagePolicyKeys config, String stage) {
        StagePolicyKeys.Keys keys = config.stages().get(stage);
        return keys == null ? NONE : keys;
    }

    private static String prefix(String stage) {
        return "sluice.stage." + stage + ".";
    }

    private static OnFailure parse(String key, String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (OnFailure candidate : OnFailure.values()) {
            if (candidate.configValue().equals(normalized)) {
                return candidate;
            }
        }
        if (normalized.equals("fail-closed")) {
            throw new ConfigurationException(key + "=" + value + ": fail-closed is now respond (an immediate response of "
                    + "failure-status); every stage, enrichment included, takes fail-open, respond or grpc-error");
        }
        throw new ConfigurationException(key + "=" + value + " is not a failure policy; use fail-open, respond or grpc-error");
    }
}
