package io.sluice.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;

/**
 * Stops gRPC servers the way Envoy can survive: {@code shutdown()} first, which closes the listener and sends HTTP/2
 * GOAWAY on every connection (grpc-java sends two, so a stream Envoy opened while the first was on the wire is still
 * served), so Envoy opens its next ext_proc streams on another host; the streams in flight go on until they end or the
 * timeout passes, and only then {@code shutdownNow()} cancels what is left. Blocking: run it on a shutdown thread,
 * never on an event loop.
 */
final class GracefulDrain {

    /** How the drain went: whether every stream ended by itself, and how long it took. */
    record Result(boolean clean, long millis) {
    }

    private GracefulDrain() {
    }

    static Result drain(List<Server> servers, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        servers.forEach(Server::shutdown);
        long deadline = start + timeout.toNanos();
        boolean clean = true;
        for (Server server : servers) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                clean = false;
            }
        }
        if (!clean) {
            servers.forEach(Server::shutdownNow);
            for (Server server : servers) {
                // Cancelling is quick; bounded anyway so that a stuck transport cannot hold the JVM past the grace period.
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        }
        return new Result(clean, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
