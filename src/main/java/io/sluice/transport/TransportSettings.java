package io.sluice.transport;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.netty.NettyServerBuilder;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.sluice.config.ConfigBoundsCheck;

/**
 * The validated {@link TransportConfig}, applied alike to the TCP server ({@link TcpServer}) and the Unix
 * socket server: each key's own bound in {@link io.sluice.config.ConfigBounds}, what depends on another key here.
 * {@code @Startup}: a bad setting fails start-up naming its key, also when no listener has been built yet.
 */
@Startup
@Singleton
public class TransportSettings {

    private final int eventLoops;
    private final int maxConcurrentStreams;
    private final int streamWindow;
    private final int connectionWindow;
    private final TransportConfig config;

    /** {@code bounds}: each key's own bound is checked before the gRPC server is built from these settings. */
    public TransportSettings(TransportConfig config, ConfigBoundsCheck bounds) {
        this.eventLoops = config.eventLoops();
        this.maxConcurrentStreams = config.maxConcurrentStreams();
        this.streamWindow = config.streamWindow();
        long connection = (long) maxConcurrentStreams * streamWindow;
        if (connection > Integer.MAX_VALUE) {
            throw new ConfigurationException(TransportConfig.MAX_CONCURRENT_STREAMS + " x " + TransportConfig.STREAM_WINDOW
                    + " = " + connection + " exceeds HTTP/2's largest connection window (2^31 - 1)");
        }
        this.connectionWindow = (int) connection;
        this.config = config;
    }

    public int maxEarlyResetsPerSecond() {
        return config.maxEarlyResetsPerSecond();
    }

    /** The same HTTP/2 settings for every listener. */
    public void apply(NettyServerBuilder builder) {
        // Also turns off grpc-java's BDP auto-tuning, which would grow the stream window (up to 8 MiB) for throughput.
        builder.flowControlWindow(streamWindow);
        builder.maxConcurrentCallsPerConnection(maxConcurrentStreams);
        builder.handshakeTimeout(config.handshakeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        builder.maxConnectionIdle(config.maxConnectionIdle().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        builder.permitKeepAliveTime(config.permitKeepAliveTime().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        builder.permitKeepAliveWithoutCalls(true);
        builder.maxInboundMetadataSize(config.maxHeaderListSize());
        builder.maxRstFramesPerWindow(config.maxResetsPerSecond(), 1);
    }

    public int eventLoops() {
        return eventLoops;
    }

    public int streamWindow() {
        return streamWindow;
    }

    /** What {@link ConnectionSetup} widens each connection to: room for every stream's window at once. */
    public int connectionWindow() {
        return connectionWindow;
    }

    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }
}
