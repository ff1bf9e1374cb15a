package io.sluice.testing;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * A loopback HTTP/1.1 and h2c (prior knowledge) echo server: the upstream behind Envoy in the end-to-end tests.
 *
 * <p>By default it answers as dev mode's demo upstream does ({@link io.sluice.devmode.JsonEcho}): 200
 * {@code application/json} describing the request it saw, its body streamed and summarised by length and SHA-256.
 *
 * <p>Query parameters:
 * <ul>
 * <li>{@code status=N} (200..599): the status code.</li>
 * <li>{@code bytes=N}: answer {@code application/octet-stream} with the first N bytes of
 * {@link #pattern(long, int)} instead, written in {@code chunk=M} byte pieces (default 64 KiB) with
 * chunked transfer encoding on HTTP/1.1 and only as fast as the client reads. The request headers
 * the upstream saw then come back as response headers {@code x-echo-req-<lower-case name>} (one per
 * value), and the request body summary as {@value #BODY_BYTES_HEADER} / {@value #BODY_SHA256_HEADER}.</li>
 * <li>{@code text=1} with {@code bytes=N}: {@code text/plain} lines from {@link EchoText} instead of the binary
 * pattern, for stages that rewrite text.</li>
 * </ul>
 * A bad parameter gets 400 text/plain naming it.
 *
 * <p>It runs on a Vert.x of its own, which {@link #close()} closes.
 */
public final class EchoUpstream implements AutoCloseable {

    public static final int DEFAULT_CHUNK = 64 * 1024;
    public static final String ECHO_HEADER_PREFIX = "x-echo-req-";
    public static final String BODY_BYTES_HEADER = "x-echo-request-body-bytes";
    public static final String BODY_SHA256_HEADER = "x-echo-request-body-sha256";

    private static final Logger LOG = Logger.getLogger(EchoUpstream.class);
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private volatile HttpServer server;

    private EchoUpstream(Vertx vertx) {
        this.vertx = vertx;
    }

    /** An echo server on a Vert.x of its own. */
    public static EchoUpstream standalone() {
        return new EchoUpstream(Vertx.vertx());
    }

    /** Byte {@code offset} .. {@code offset+len-1} of the deterministic {@code ?bytes=N} stream. */
    public static byte[] pattern(long offset, int len) {
        return EchoPattern.bytes(offset, len);
    }

    /** Lower-case hex SHA-256 of the answer to {@code ?bytes=n}. */
    public static String sha256OfPattern(long n) {
        return EchoPattern.sha256(n);
    }

    /** Binds {@code host:port} (port 0 = ephemeral) and emits the bound port. One start per instance. */
    public Uni<Integer> start(String host, int port) {
        return Uni.createFrom().deferred(() -> {
            if (server != null) {
                return Uni.createFrom().failure(new IllegalStateException("echo upstream already started on port " + port()));
            }
            HttpServer created = vertx.createHttpServer(options()).requestHandler(new EchoHandler());
            return Uni.createFrom().completionStage(() -> created.listen(port, host).toCompletionStage())
                    .map(bound -> {
                        server = bound;
                        LOG.debugf("echo upstream listening on %s:%d", host, bound.actualPort());
                        return bound.actualPort();
                    });
        });
    }

    /** {@link #start} for callers that may block. Not for event loops. */
    public int startAndAwait(String host, int port) {
        refuseOnEventLoop("startAndAwait");
        return start(host, port).await().atMost(AWAIT);
    }

    /** The bound port; fails if the server is not started. */
    public int port() {
        HttpServer s = server;
        if (s == null) {
            throw new IllegalStateException("echo upstream is not started");
        }
        return s.actualPort();
    }

    /** Stops listening; the Vert.x stays up until {@link #close()}. */
    public Uni<Void> stop() {
        return Uni.createFrom().deferred(() -> {
            HttpServer s = server;
            server = null;
            return s == null ? Uni.createFrom().voidItem()
                    : Uni.createFrom().completionStage(() -> s.close().toCompletionStage());
        });
    }

    /**
     * Blocking stop, bounded; also closes the private Vert.x. Vert.x is
     * closed from the calling thread, not chained on the server's close: a continuation scheduled on an event
     * loop that is shutting down would be rejected and never complete. On an event loop it only starts the
     * stop, because waiting there would deadlock the loop that has to do the closing.
     */
    @Override
    public void close() {
        if (Context.isOnEventLoopThread()) {
            stop().subscribe().with(ok -> { }, err -> LOG.warnf("echo upstream did not close cleanly: %s", err));
            return;
        }
        try {
            stop().await().atMost(AWAIT);
            vertx.close().toCompletionStage().toCompletableFuture().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.warnf("echo upstream did not close cleanly: %s", e);
        }
    }

    private static HttpServerOptions options() {
        return new HttpServerOptions()
                // h2c with prior knowledge, next to HTTP/1.1 on the same port.
                .setHttp2ClearTextEnabled(true)
                // Big uploads from curl send Expect: 100-continue and would otherwise stall a second.
                .setHandle100ContinueAutomatically(true)
                // Envoy forwards up to 60 KiB of request headers by default; do not be the smaller limit.
                .setMaxHeaderSize(96 * 1024)
                .setMaxInitialLineLength(64 * 1024)
                .setInitialSettings(new Http2Settings().setMaxHeaderListSize(96 * 1024));
    }

    private static void refuseOnEventLoop(String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException(what + " blocks and must not run on a Vert.x event loop");
        }
    }
}
