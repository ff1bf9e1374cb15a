package io.sluice.transport;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the gRPC servers (TCP and Unix socket) use threads and HTTP/2 flow control. The defaults are sized for Envoy as the
 * only client; README "Threads, flow control and memory" explains the arithmetic.
 */
@ConfigMapping(prefix = "sluice.transport")
public interface TransportConfig {

    String EVENT_LOOPS = "sluice.transport.event-loops";
    String MAX_CONCURRENT_STREAMS = "sluice.transport.max-concurrent-streams";
    String STREAM_WINDOW = "sluice.transport.stream-window";

    /**
     * Event-loop threads serving gRPC connections, each connection pinned to one. Default: the processors the JVM sees
     * (the container's CPU limit, rounded up), supplied by {@code ProcessorCountDefault}.
     */
    int eventLoops();

    /**
     * {@code SETTINGS_MAX_CONCURRENT_STREAMS}: exchanges one HTTP/2 connection may carry at once. The default is as
     * high as {@code sluice.overload.max-exchanges}, so that admission, with its status naming the key, says no rather
     * than the transport's bare {@code REFUSED_STREAM}; Envoy may also start a new connection's streams before Sluice's
     * SETTINGS arrive (at 100 per connection, 56 of 200 uploads failed in one run; the cause was not recorded). A
     * stream held back costs the connection only its own window, so one connection may carry many.
     */
    @WithDefault("400")
    int maxConcurrentStreams();

    /**
     * Bytes Envoy may send on one stream beyond what Sluice has taken (its HTTP/2 stream window). A stream that Sluice
     * holds back (backpressure) keeps at most this much waiting, in direct memory; Envoy keeps the rest, and pushes
     * back on its client. The connection window is {@code max-concurrent-streams x stream-window}
     * ({@link ConnectionSetup}), so the connection as a whole never waits for one window update.
     */
    @WithDefault("65536")
    int streamWindow();
}
