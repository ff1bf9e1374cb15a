package io.sluice.devmode;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** The demo Envoy's upstream: {@link JsonEcho} on a free loopback port, served by Quarkus' Vert.x. */
final class DemoUpstream implements AutoCloseable {

    private static final long AWAIT_SECONDS = 10;

    private final HttpServer server;

    private DemoUpstream(HttpServer server) {
        this.server = server;
    }

    /** Blocks until the port is bound: for a StartupEvent observer, never an event loop. */
    static DemoUpstream start(Vertx vertx) {
        HttpServer server = vertx.createHttpServer().requestHandler(new JsonEcho());
        return new DemoUpstream(await(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture(), "start"));
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        await(server.close().toCompletionStage().toCompletableFuture(), "stop");
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, String what) {
        try {
            return future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the echo upstream's " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the echo upstream did not " + what + ": " + e, e);
        }
    }
}
