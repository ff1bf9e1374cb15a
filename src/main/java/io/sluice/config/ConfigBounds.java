package io.sluice.config;

import static io.sluice.config.Bound.atLeast;
import static io.sluice.config.Bound.between;
import static io.sluice.config.Bound.fraction;
import static io.sluice.config.Bound.notNegative;
import static io.sluice.config.Bound.positive;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.Config;

/**
 * The bound of every numeric and duration key under {@code sluice.*} (README, "Configuration reference"). Bounds that
 * depend on another key (event loops against Vert.x's, delay plus drain against the grace period, memory against the
 * JVM's, a timeout against Envoy's timer) are checked where those keys meet; these hold for each key alone.
 */
public final class ConfigBounds {

    /**
     * One key, its bound, and why a value outside it cannot work, where the bound alone does not say. A {@code *} segment
     * stands for any one name (a stage's), and the bound holds for each key set under it.
     */
    public record KeyBound(String key, Bound bound, String why) {

        Violation violation(String concreteKey, String value) {
            return new Violation(concreteKey, concreteKey + "=" + value + " " + bound.describe()
                    + (why.isEmpty() ? "" : " (" + why + ")"));
        }

        /** The keys of {@code config} this entry bounds: itself, or every key set that fits its {@code *} segment. */
        List<String> keysIn(Config config) {
            int star = key.indexOf(".*.");
            if (star < 0) {
                return List.of(key);
            }
            String before = key.substring(0, star + 1);
            String after = key.substring(star + 2);
            List<String> keys = new ArrayList<>();
            for (String name : config.getPropertyNames()) {
                if (name.startsWith(before) && name.endsWith(after) && name.length() > before.length() + after.length()) {
                    String segment = name.substring(before.length(), name.length() - after.length());
                    if (!segment.contains(".") || (segment.startsWith("\"") && segment.endsWith("\""))) {
                        keys.add(name);
                    }
                }
            }
            return keys;
        }
    }

    /** A key outside its bound, and the message that names it, its value and the bound. */
    public record Violation(String key, String message) {
    }

    /** Immediate responses: Envoy turns a status below 200 into 200. */
    private static final Bound HTTP_STATUS = between(200, 599);

    public static final List<KeyBound> KEYS = keys();

    private ConfigBounds() {
    }

    private static List<KeyBound> keys() {
        List<KeyBound> keys = new ArrayList<>(List.of(
                key("sluice.exchange.max-in-flight", atLeast(1), "a stream that may hold nothing is never answered"),
                key("sluice.exchange.max-in-flight-bytes", atLeast(1), "a stream that may hold nothing is never answered"),
                key("sluice.exchange.max-message-bytes", atLeast(1), "every exchange would end with RESOURCE_EXHAUSTED"),
                key("sluice.exchange.full-duplex-idle-timeout", positive(), ""),
                key("sluice.exchange.envoy-message-timeout", positive(), ""),
                key("sluice.exchange.max-message-timeout", positive(), "unset it when Envoy allows no override"),
                key("sluice.dev.envoy-port", between(1, 65535), ""),
                key("sluice.warm-up.target", positive(), ""),
                key("sluice.warm-up.max-duration", positive(), "sluice.warm-up.enabled=false turns the warm-up off"),
                key("sluice.warm-up.concurrency", atLeast(1), ""),
                key("sluice.warm-up.round-size", atLeast(1), ""),
                key("sluice.overload.max-exchanges", atLeast(1), "a limit of 0 refuses every exchange"),
                key("sluice.overload.max-held-bytes", atLeast(1), ""),
                key("sluice.transport.event-loops", atLeast(1), "no event loop serves no connection"),
                key("sluice.transport.max-concurrent-streams", atLeast(1), ""),
                // grpc-java makes the connection window equal to the stream window: at 32 KiB, Envoy's first 64 KiB on a
                // new connection overran it and Sluice closed the whole connection with FLOW_CONTROL_ERROR (measured).
                key("sluice.transport.stream-window", atLeast(65535),
                        "HTTP/2's initial window, which a connection window cannot shrink below"),
                key("sluice.transport.handshake-timeout", positive(), ""),
                key("sluice.transport.max-connection-idle", positive(), ""),
                key("sluice.transport.permit-keep-alive-time", positive(), ""),
                key("sluice.transport.max-header-list-size", atLeast(1), ""),
                key("sluice.transport.max-resets-per-second", atLeast(1), ""),
                key("sluice.transport.max-early-resets-per-second", atLeast(1), ""),
                key("sluice.shutdown.delay", notNegative(), ""),
                key("sluice.shutdown.drain-timeout", notNegative(), ""),
                key("sluice.shutdown.grace-period", positive(), ""),
                key("sluice.stage.eg-demo.request-cost", atLeast(0), ""),
                key("sluice.stage.deny.status", HTTP_STATUS, ""),
                key("sluice.stage.deny.grpc-status", between(0, 16), "gRPC's status codes"),
                key("sluice.stage.body-limit.max-request-bytes", atLeast(0), ""),
                key("sluice.stage.body-limit.max-response-bytes", atLeast(0), ""),
                key("sluice.stage.body-limit.request-status", HTTP_STATUS, ""),
                key("sluice.stage.body-limit.response-status", HTTP_STATUS, ""),
                key("sluice.stage.text-replace.max-match-bytes", atLeast(1), ""),
                key("sluice.stage.json-redact.max-body-bytes", atLeast(1), ""),
                key("sluice.stage.enrichment.circuit-breaker.request-volume-threshold", atLeast(1), ""),
                key("sluice.stage.enrichment.circuit-breaker.failure-ratio", fraction(), ""),
                key("sluice.stage.enrichment.circuit-breaker.delay", notNegative(), ""),
                key("sluice.stage.enrichment.circuit-breaker.success-threshold", atLeast(1), ""),
                key("sluice.stage.enrichment.bulkhead.max-concurrent", atLeast(1), ""),
                key("sluice.stage.enrichment.bulkhead.queue", atLeast(1), ""),
                key("sluice.stage.enrichment.cache.ttl", positive(), "sluice.stage.enrichment.cache.enabled=false turns the cache off")));
        // Every stage's policy (StagePolicyKeys), whichever stage it is.
        keys.add(key("sluice.stage.*.timeout", positive(), ""));
        keys.add(key("sluice.stage.*.failure-status", HTTP_STATUS, ""));
        return List.copyOf(keys);
    }

    private static KeyBound key(String key, Bound bound, String why) {
        return new KeyBound(key, bound, why);
    }

    /** Every key of {@link #KEYS} whose value is outside its bound; empty when all hold. */
    public static List<Violation> violations(Config config) {
        List<Violation> violations = new ArrayList<>();
        for (KeyBound key : KEYS) {
            for (String concrete : key.keysIn(config)) {
                if (!key.bound().holds(config, concrete)) {
                    violations.add(key.violation(concrete, config.getConfigValue(concrete).getValue()));
                }
            }
        }
        return violations;
    }
}
