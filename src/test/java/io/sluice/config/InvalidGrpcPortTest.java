package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class InvalidGrpcPortTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("quarkus.grpc.server.port", "70000", "quarkus.grpc.server.port=70000 is not a valid port");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with quarkus.grpc.server.port=70000");
    }
}
