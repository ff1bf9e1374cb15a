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
    String HANDSHAKE_TIMEOUT = "sluice.transport.handshake-timeout";
    String MAX_CONNECTION_IDLE = "sluice.transport.max-connection-idle";
    String PERMIT_KEEP_ALIVE_TIME = "sluice.transport.permit-keep-alive-time";
    String MAX_HEADER_LIST_SIZE = "sluice.transport.max-header-list-size";
    String MAX_RESETS_PER_SECOND = "sluice.transport.max-resets-per-second";
    String MAX_EARLY_RESETS_PER_SECOND = "sluice.transport.max-early-resets-per-second";

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

    /**
     * Time a new connection has to finish its TLS handshake (if any) and send HTTP/2's preface and first SETTINGS;
     * after it the connection is closed. Envoy sends them at once; without it, a connection that sends nothing, or
     * half a preface, is held for ever (measured: 500 such connections held 500 file descriptors).
     */
    @WithDefault("10s")
    java.time.Duration handshakeTimeout();

    /**
     * A connection with no stream for this long is closed with GOAWAY. Envoy reopens one when it needs it, so this
     * only bounds how long connections that have stopped being used are kept.
     */
    @WithDefault("5m")
    java.time.Duration maxConnectionIdle();

    /**
     * The shortest interval at which a client may send HTTP/2 PINGs (keepalive), with or without streams; a client
     * pinging more often gets GOAWAY {@code ENHANCE_YOUR_CALM}. Envoy pings only when its cluster sets
     * {@code connection_keepalive}; keep that interval at or above this.
     */
    @WithDefault("10s")
    java.time.Duration permitKeepAliveTime();

    /**
     * Bytes of gRPC metadata (HTTP/2 header list) a stream's request may carry; Envoy's ext_proc calls send a few
     * hundred (path, content type, timeout, trace context).
     */
    @WithDefault("8192")
    int maxHeaderListSize();

    /**
     * RST_STREAM frames a connection may send per second, whatever the stream's state (grpc-java's limit), before it
     * gets GOAWAY. Envoy ends every exchange with one, so this must stay above the exchanges one connection carries
     * per second; it is a backstop, {@code max-early-resets-per-second} is the rapid-reset guard. 20,000 was not: the
     * performance suite's headers-only load over two connections at one CPU had its connections closed with
     * {@code too_many_rststreams} (seven GOAWAYs in one run), as a busy Envoy worker's single connection would.
     */
    @WithDefault("200000")
    int maxResetsPerSecond();

    /**
     * Streams per second a connection may reset before Sluice has answered their first message, before it gets GOAWAY
     * {@code ENHANCE_YOUR_CALM} (HTTP/2 rapid reset). Envoy resets that early only when it abandons a request within
     * its first message (the message timer expired: Sluice stalled for 200 ms; or the client left within the
     * sub-millisecond of that message), so 100 a second on one connection means it is failing anyway. Measured with an
     * unpaced reset of 50,000 streams over 5 connections at one CPU: at 1,000 a canary exchange on another connection
     * waited up to 358 ms, at 100 up to 78-88 ms (README, "Under load"). Counted from the connection's first call on
     * (Sluice reaches the connection through its calls).
     */
    @WithDefault("100")
    int maxEarlyResetsPerSecond();
}
