package io.sluice.transport;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
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
    private static final int CLAIMS = 1024;
    private final Set<String> claims = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CLAIMS;
        }
    });

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
    public void count(Cause cause, Object remote, String what) {
        counters.get(cause).increment();
        log.warn(cause.tag(), "connection" + (remote == null ? "" : " from " + remote) + " closed: " + what + " ("
                + cause.tag() + ")");
    }

    /**
     * Marks a connection whose ENHANCE_YOUR_CALM GOAWAY is counted already (the rapid-reset guard's, or grpc-java's reset
     * limit), so that {@link TransportLogFilter} does not take Netty's record of it for keepalive enforcement. Only
     * abusive connections are marked, and only the latest {@link #CLAIMS} are kept.
     */
    void claim(Channel channel) {
        synchronized (claims) {
            claims.add(channel.id().asShortText());
        }
    }

    /** Whether {@code channelId} (Netty's short id, {@code 0x...}) was {@link #claim}ed; forgets it. */
    boolean claimed(String channelId) {
        synchronized (claims) {
            return claims.remove(channelId.startsWith("0x") ? channelId.substring(2) : channelId);
        }
    }

    /** The same for one stream the transport refused, its connection left open. */
    public void countStream(Cause cause, String what) {
        counters.get(cause).increment();
        log.warn(cause.tag(), "stream refused: " + what + " (" + cause.tag() + ")");
    }
}
