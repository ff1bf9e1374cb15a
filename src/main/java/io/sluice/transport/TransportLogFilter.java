package io.sluice.transport;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.quarkus.logging.LoggingFilter;

/**
 * Turns the transport's own records of bad connections into {@link TransportNoise}'s one counted line per cause.
 * Wired by {@code quarkus.log.console.filter=sluice-transport}. Four sources:
 * <ul>
 * <li>grpc-java's "Transport failed" (INFO, a stack trace each): HTTP/1.1, a bad preface, too many resets, OOM;
 * <li>grpc-java's "Stream Error" (WARNING, a stack trace each): a stream refused by the transport, e.g. request
 * metadata over {@code sluice.transport.max-header-list-size} (the client gets HTTP 431, the connection goes on);
 * <li>Netty's "Sent GOAWAY" (DEBUG) with grpc-java's {@code too_many_pings}: the one trace keepalive enforcement
 * leaves;
 * <li>grpc-java's "TLS negotiation failed for new client." (DEBUG): plaintext, or any failed handshake, on the TLS
 * port.
 * </ul>
 * The last two are DEBUG records, which application.properties lets through for those two loggers only; every
 * other record below INFO from them is dropped here, so that DEBUG there costs the log nothing.
 */
@LoggingFilter(name = "sluice-transport")
public final class TransportLogFilter implements Filter {

    static final String GRPC_TRANSPORT_LOGGER = "io.grpc.netty.NettyServerTransport.connections";
    static final String GRPC_HANDLER_LOGGER = "io.grpc.netty.NettyServerHandler";
    static final String NETTY_HTTP2_LOGGER = "io.netty.handler.codec.http2.Http2ConnectionHandler";
    static final String GRPC_NEGOTIATION_LOGGER = "io.grpc.netty.ProtocolNegotiators";

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        TransportNoise noise = TransportNoise.current();
        if (noise == null || logger == null) {
            return true;
        }
        return switch (logger) {
            case GRPC_TRANSPORT_LOGGER -> transportFailed(record, noise);
            case GRPC_HANDLER_LOGGER -> streamError(record, noise);
            case NETTY_HTTP2_LOGGER -> goawaySent(record, noise);
            case GRPC_NEGOTIATION_LOGGER -> tlsFailed(record, noise);
            default -> true;
        };
    }

    private static boolean transportFailed(LogRecord record, TransportNoise noise) {
        Throwable thrown = record.getThrown();
        if (thrown == null) {
            return true;
        }
        noise.count(cause(thrown), null, String.valueOf(thrown.getMessage()).strip());
        return false;
    }

    private static boolean streamError(LogRecord record, TransportNoise noise) {
        if (!(record.getThrown() instanceof Http2Exception thrown)) {
            return true;
        }
        TransportNoise.Cause cause = cause(thrown);
        String what = String.valueOf(thrown.getMessage()).strip();
        if (cause == TransportNoise.Cause.HEADER_LIST_TOO_LARGE) {
            what += " (" + TransportConfig.MAX_HEADER_LIST_SIZE + "): HTTP 431";
        }
        noise.countStream(cause, what);
        return false;
    }

    /** Netty's line, formatted before it gets here: {@code [id: 0x.., L:/.. - R:/..] Sent GOAWAY: ..., errorCode '11', debugData '...'}. */
    private static final Pattern GOAWAY = Pattern.compile(
            "^\\[id: (0x[0-9a-f]+)(?:, L:\\S* - R:([^\\]]*))?\\] Sen(?:t|ding) GOAWAY.*errorCode '(\\d+)', debugData '(.*)'",
            Pattern.DOTALL);

    private static boolean goawaySent(LogRecord record, TransportNoise noise) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
            return true;
        }
        Matcher goaway = GOAWAY.matcher(String.valueOf(record.getMessage()));
        if (goaway.find() && Long.parseLong(goaway.group(3)) == Http2Error.ENHANCE_YOUR_CALM.code()
                && keepalive(goaway.group(4), goaway.group(1), noise)) {
            noise.count(TransportNoise.Cause.KEEPALIVE_ABUSE, goaway.group(2), "PINGs more often than "
                    + TransportConfig.PERMIT_KEEP_ALIVE_TIME + " allows: GOAWAY ENHANCE_YOUR_CALM too_many_pings");
        }
        return false;
    }

    /**
     * Whether an ENHANCE_YOUR_CALM GOAWAY is keepalive enforcement's. Its debug data says so, except over TLS: the TLS
     * handler has consumed the bytes by the time Netty logs them. Then it is keepalive's unless the rapid-reset guard
     * closed that connection (and counted it) or saw grpc-java's reset limit trip.
     */
    private static boolean keepalive(String debugData, String channelId, TransportNoise noise) {
        if (!debugData.isEmpty()) {
            return debugData.contains("too_many_pings");
        }
        return !noise.claimed(channelId);
    }

    private static boolean tlsFailed(LogRecord record, TransportNoise noise) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
            return true;
        }
        if (String.valueOf(record.getMessage()).startsWith("TLS negotiation failed")) {
            noise.count(TransportNoise.Cause.TLS_HANDSHAKE, null,
                    "TLS handshake failed (plaintext on the TLS port, no common protocol, or a certificate refused)");
        }
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
            if (thrown instanceof Http2Exception.HeaderListSizeException || message.contains("Header size")
                    || message.contains("header list")) {
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
