package io.sluice.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionSetup} reaches grpc-java's Netty handler through fields grpc-java does not promise to keep: an
 * upgrade that moves them must fail the build here, not leave production with connection windows of 64 KiB and
 * held frames pinning whole read buffers.
 */
class ConnectionSetupTest {

    @Test
    void theReflectivePathToTheNettyHandlerResolves() {
        assertThat(ConnectionSetup.PATH.failure).as("what grpc-java moved").isNull();
    }
}
