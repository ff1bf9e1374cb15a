package io.sluice.stagetest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sluice.stage.StagePolicy;
import io.sluice.stage.StagePolicy.OnFailure;

/** The kit reads a stage's configuration as Sluice does: typed, policy included, misspellings refused. */
class StageConfigTest {

    /** Defaults for every key: Quarkus registers it in this build's own test runs too. */
    @ConfigMapping(prefix = "sluice.stage.probe")
    interface ProbeConfig {
        @WithDefault("1s")
        Duration window();

        @WithDefault("1")
        int limit();
    }

    @Test
    void buildsTheTypedConfigAndThePolicyFromTheSameProperties() {
        StageConfig config = StageConfig.of(ProbeConfig.class, "sluice.stage.probe.window=50ms",
                "sluice.stage.probe.limit=3", "sluice.stage.probe.on-failure=respond");
        assertThat(config.mapping(ProbeConfig.class).window()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.mapping(ProbeConfig.class).limit()).isEqualTo(3);
        assertThat(config.policy("probe")).isEqualTo(StagePolicy.DEFAULT.withOnFailure(OnFailure.RESPOND));
    }

    @Test
    void aKeyNothingReadsIsRefusedAsInSluice() {
        assertThatThrownBy(() -> StageConfig.of(ProbeConfig.class, "sluice.stage.probe.limit=3", "sluice.stage.probe.limti=4"))
                .hasMessageContaining("sluice.stage.probe.limti");
    }

    @Test
    void theDefaultsStageJarsShipApply() {
        // Sluice's own jar ships fail-open for eg-demo (META-INF/microprofile-config.properties).
        assertThat(StageConfig.defaults().policy("eg-demo").onFailure()).isEqualTo(OnFailure.FAIL_OPEN);
        assertThat(StageConfig.of(ProbeConfig.class, "sluice.stage.probe.limit=1", "sluice.stage.eg-demo.on-failure=respond")
                .policy("eg-demo").onFailure()).isEqualTo(OnFailure.RESPOND);
    }
}
