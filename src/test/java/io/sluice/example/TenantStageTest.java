package io.sluice.example;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.ReplyAssert.assertReply;

import org.junit.jupiter.api.Test;

import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

class TenantStageTest {

    final StageConfig config = StageConfig.of(TenantConfig.class, "sluice.stage.tenant.allowed=acme");
    final StageTestKit kit = StageTestKit.of("tenant", new TenantStage(config.mapping(TenantConfig.class)), config);

    @Test
    void knownTenantIsTaggedForTheUpstream() {
        assertReply(kit.reply(requestHeaders("x-tenant", "acme")))
                .setsHeader("x-tenant-verified", "acme")
                .emitsMetadata("sluice.tenant", "id", "acme");
    }

    @Test
    void unknownTenantIsAnsweredWith403() {
        assertReply(kit.reply(requestHeaders("x-tenant", "evil")))
                .respondsWith(403)
                .withBody("unknown tenant\n");
    }
}
