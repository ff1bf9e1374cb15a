package io.sluice.stage;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * {@code sluice.stage.<name>.timeout}, {@code .on-failure}, {@code .failure-status} and
 * {@code .pipeline-on-failure.<pipeline>}: the policy keys of every stage, next to the stage's own mapping under the
 * same prefix. Unset keys stay empty here; {@link StagePolicies} applies the defaults.
 */
@ConfigMapping(prefix = "sluice.stage")
public interface StagePolicyKeys {

    @WithParentName
    Map<String, Keys> stages();

    interface Keys {
        Optional<Duration> timeout();

        /** Read as text, so that a value of the old enrichment vocabulary can name its replacement. */
        Optional<String> onFailure();

        OptionalInt failureStatus();

        Map<String, String> pipelineOnFailure();
    }
}
