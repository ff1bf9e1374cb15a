package io.sluice.transport;

import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.sluice.observability.ThrottledLog;

/**
 * What bad connections cost the log: one WARN line per cause at most every 10 s, with the count of those folded in
 * between ({@link ThrottledLog}), and a counter per cause ({@code sluice_transport_errors_total{cause}}). grpc-java and Netty report the same events as
 * INFO lines with 25-40-line stack traces each, which anyone who can reach the port could repeat at will;
 * {@link TransportLogFilter} hands them here instead.
 */
@Startup
@Singleton
public class TransportNoise {

    private static final Logger LOG = Logger.getLogger(TransportNoise.class);
    private static volatile TransportNoise current;

    /** Causes, in the words of the README's table of bad inputs. */
    public enum Cause {
        HTTP1_ON_GRPC_PORT, NOT_HTTP2, TLS_HANDSHAKE, HEADER_LIST_TOO_LARGE, RAPID_RESET, TOO_MANY_RESETS,
        KEEPALIVE_ABUSE, FLOW_CONTROL, PROTOCOL_ERROR, OUT_OF_MEMORY, OTHER;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<Cause, Counter> counters = new EnumMap<>(Cause.class);
    private final ThrottledLog log = new ThrottledLog(LOG);

    public TransportNoise(MeterRegistry registry) {
        this.registry = registry;
    }

    @PostConstruct
    void register() {
        for (Cause cause : Cause.values()) {
            counters.put(cause, Counter.builder("sluice.transport.errors").tag("cause", cause.tag())
                    .description("Connections (or their streams) ended by the transport for a bad input, by cause")
                    .register(registry));
        }
        current = this;
    }

    /** Null until start-up has created it: early transport events then keep grpc-java's own log line. */
    static TransportNoise current() {
        return current;
    }

    /** Counts one connection closed for a bad input and logs it, or folds it into the next line. */
    public void count(Cause cause, SocketAddress remote, String what) {
        counters.get(cause).increment();
        log.warn(cause.tag(), "connection" + (remote == null ? "" : " from " + remote) + " closed: " + what + " ("
                + cause.tag() + ")");
    }

    /** The same for one stream the transport refused, its connection left open. */
    public void countStream(Cause cause, String what) {
        counters.get(cause).increment();
        log.warn(cause.tag(), "stream refused: " + what + " (" + cause.tag() + ")");
    }
}
