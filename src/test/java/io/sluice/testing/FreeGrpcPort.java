package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives every {@code @QuarkusTest} run a free gRPC port, so the suite never collides with another
 * process (or a parallel build) on the default test port 9001. grpc-java's separate server does not report
 * an ephemeral port back to configuration, hence the pick-then-bind; the HTTP test port is ephemeral.
 */
public class FreeGrpcPort implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return Map.of("quarkus.grpc.server.test-port", Integer.toString(socket.getLocalPort()),
                    "quarkus.http.test-port", "0");
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the gRPC test server", e);
        }
    }

    @Override
    public void stop() {
    }
}
