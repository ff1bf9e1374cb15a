package io.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sluice.stage.StagePolicy.OnFailure;

/** A stage's policy comes from its name's keys alone, with the defaults where they are unset. */
class StagePoliciesTest {

    static StagePolicyKeys config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(StagePolicyKeys.class).withSources(new PropertiesConfigSource(properties, "test", 100)).build()
                .getConfigMapping(StagePolicyKeys.class);
    }

    @Test
    void unsetKeysTakeTheDefaults() {
        assertThat(StagePolicies.of(config(Map.of()), "tenant")).isEqualTo(StagePolicy.DEFAULT);
    }

    @Test
    void theStagesKeysAreBoundByItsName() {
        StagePolicyKeys config = config(Map.of("sluice.stage.tenant.timeout", "50ms", "sluice.stage.tenant.on-failure", "respond",
                "sluice.stage.tenant.failure-status", "429", "sluice.stage.other.timeout", "1s"));
        assertThat(StagePolicies.of(config, "tenant"))
                .isEqualTo(new StagePolicy(Duration.ofMillis(50), OnFailure.RESPOND, 429));
    }

    @Test
    void aPipelineMayOverrideTheFailurePolicy() {
        StagePolicyKeys config = config(Map.of("sluice.stage.tenant.on-failure", "fail-open",
                "sluice.stage.tenant.pipeline-on-failure.strict", "grpc-error",
                "sluice.stage.tenant.pipeline-on-failure.\"a.b\"", "respond"));
        assertThat(StagePolicies.of(config, "tenant", "strict").onFailure()).isEqualTo(OnFailure.GRPC_ERROR);
        assertThat(StagePolicies.of(config, "tenant", "a.b").onFailure()).isEqualTo(OnFailure.RESPOND);
        assertThat(StagePolicies.of(config, "tenant", "other").onFailure()).isEqualTo(OnFailure.FAIL_OPEN);
        assertThat(StagePolicies.pipelinesOverriding(config, "tenant")).containsExactlyInAnyOrder("strict", "a.b");
    }

    @Test
    void theOldEnrichmentValueNamesItsReplacement() {
        StagePolicyKeys config = config(Map.of("sluice.stage.enrichment.pipeline-on-failure.strict", "fail-closed"));
        assertThatThrownBy(() -> StagePolicies.of(config, "enrichment", "strict"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sluice.stage.enrichment.pipeline-on-failure.strict=fail-closed")
                .hasMessageContaining("now respond");
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertThatThrownBy(() -> StagePolicies.of(config(Map.of("sluice.stage.s.on-failure", "ignore")), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sluice.stage.s.on-failure=ignore")
                .hasMessageContaining("fail-open, respond or grpc-error");
        assertThatThrownBy(() -> StagePolicies.of(config(Map.of("sluice.stage.s.failure-status", "199")), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sluice.stage.s.failure-status=199");
        assertThatThrownBy(() -> StagePolicies.of(config(Map.of("sluice.stage.s.timeout", "0s")), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sluice.stage.s.timeout=PT0S");
    }
}
