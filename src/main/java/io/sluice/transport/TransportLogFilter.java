package io.sluice.transport;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.quarkus.logging.LoggingFilter;

/**
 * Turns grpc-java's "Transport failed" records (INFO, a stack trace each) into {@link TransportNoise}'s one line per
 * cause. Wired by {@code quarkus.log.console.filter=sluice-transport}.
 */
@LoggingFilter(name = "sluice-transport")
public final class TransportLogFilter implements Filter {

    static final String GRPC_TRANSPORT_LOGGER = "io.grpc.netty.NettyServerTransport.connections";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!GRPC_TRANSPORT_LOGGER.equals(record.getLoggerName()) || record.getThrown() == null) {
            return true;
        }
        TransportNoise noise = TransportNoise.current();
        if (noise == null) {
            return true;
        }
        Throwable thrown = record.getThrown();
        if (String.valueOf(thrown.getMessage()).contains(TransportConfig.MAX_EARLY_RESETS_PER_SECOND)) {
            return false; // EarlyResetGuard counted and logged it already
        }
        noise.count(cause(thrown), null, String.valueOf(thrown.getMessage()).strip());
        return false;
    }

    static TransportNoise.Cause cause(Throwable thrown) {
        String message = String.valueOf(thrown.getMessage());
        if (thrown instanceof OutOfMemoryError) {
            return TransportNoise.Cause.OUT_OF_MEMORY;
        }
        if (thrown instanceof javax.net.ssl.SSLException || thrown.getCause() instanceof javax.net.ssl.SSLException) {
            return TransportNoise.Cause.TLS_HANDSHAKE;
        }
        if (thrown instanceof Http2Exception h2) {
            if (message.contains("HTTP/1.x")) {
                return TransportNoise.Cause.HTTP1_ON_GRPC_PORT;
            }
            if (message.contains("preface")) {
                return TransportNoise.Cause.NOT_HTTP2;
            }
            if (message.contains("too_many_rststreams")) {
                return TransportNoise.Cause.TOO_MANY_RESETS;
            }
            if (message.contains("Header size") || message.contains("header list")) {
                return TransportNoise.Cause.HEADER_LIST_TOO_LARGE;
            }
            if (h2.error() == Http2Error.ENHANCE_YOUR_CALM) {
                return TransportNoise.Cause.KEEPALIVE_ABUSE;
            }
            if (h2.error() == Http2Error.FLOW_CONTROL_ERROR) {
                return TransportNoise.Cause.FLOW_CONTROL;
            }
            return TransportNoise.Cause.PROTOCOL_ERROR;
        }
        return TransportNoise.Cause.OTHER;
    }
}
