package com.example.stages;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.ReplyAssert.assertReply;

import org.junit.jupiter.api.Test;

import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

class RequestIdStageTest {

    final StageConfig config = StageConfig.of(RequestIdConfig.class, "sluice.stage.request-id.header=x-trace");
    final StageTestKit kit = StageTestKit.of("request-id", new RequestIdStage(config.mapping(RequestIdConfig.class)), config);

    @Test
    void theClientsIdIsKeptAndLogged() {
        assertReply(kit.reply(requestHeaders("x-trace", "abc")))
                .leavesHeader("x-trace")
                .emitsMetadata("com.example.request-id", "id", "abc");
    }

    @Test
    void aRequestWithoutOneGetsANewOne() {
        assertReply(kit.reply(requestHeaders())).setsHeader("x-trace").leavesHeader("x-request-id");
    }
}
