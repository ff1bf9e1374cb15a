package io.sluice.example;

import static io.sluice.testing.EnvoyMessages.header;
import static io.sluice.testing.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.testing.StageTestKit;

class TenantStageTest {

    static final TenantConfig CONFIG = new TenantConfig() {
        public Set<String> allowed() {
            return Set.of("acme");
        }
    };

    final StageTestKit kit = StageTestKit.of("tenant", new TenantStage(CONFIG));

    @Test
    void knownTenantIsTaggedForTheUpstream() {
        ProcessingResponse reply = kit.exchange(requestHeaders("x-tenant", "acme")).get(0);
        assertThat(header(reply.getRequestHeaders().getResponse().getHeaderMutation(), "x-tenant-verified")).isEqualTo("acme");
        assertThat(reply.getDynamicMetadata().getFieldsOrThrow("sluice.tenant").getStructValue()
                .getFieldsOrThrow("id").getStringValue()).isEqualTo("acme");
    }

    @Test
    void unknownTenantIsAnsweredWith403() {
        ProcessingResponse reply = kit.exchange(requestHeaders("x-tenant", "evil")).get(0);
        assertThat(reply.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(403);
        assertThat(reply.getImmediateResponse().getBody().toStringUtf8()).isEqualTo("unknown tenant\n");
    }
}
