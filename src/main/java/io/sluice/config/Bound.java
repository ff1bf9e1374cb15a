package io.sluice.config;

import java.time.Duration;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * What a numeric or duration key of Sluice's may hold. A value outside it would start and then fail every exchange, or
 * never serve at all, so {@link ConfigBounds} refuses it at start-up.
 */
public sealed interface Bound {

    /** The bound as the start-up message and the README's Configuration reference say it. */
    String describe();

    /** Whether the key's value (set, or its default) is inside; an unset key without a default is. */
    boolean holds(Config config, String key);

    static Bound atLeast(long min) {
        return new Whole(min, Long.MAX_VALUE);
    }

    static Bound between(long min, long max) {
        return new Whole(min, max);
    }

    static Bound positive() {
        return new Time(false);
    }

    static Bound notNegative() {
        return new Time(true);
    }

    static Bound fraction() {
        return new Fraction();
    }

    /** An int or long key. */
    record Whole(long min, long max) implements Bound {

        @Override
        public String describe() {
            return max == Long.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max;
        }

        @Override
        public boolean holds(Config config, String key) {
            Optional<Long> value = config.getOptionalValue(key, Long.class);
            return value.isEmpty() || (value.get() >= min && value.get() <= max);
        }

    }

    /**
     * A duration key: at least a millisecond (what gRPC's, Envoy's and Vert.x's timers take; less is 0 to them), or zero
     * allowed.
     */
    record Time(boolean zeroAllowed) implements Bound {

        @Override
        public String describe() {
            return zeroAllowed ? "must not be negative" : "must be at least 1ms";
        }

        @Override
        public boolean holds(Config config, String key) {
            Optional<Duration> value = config.getOptionalValue(key, Duration.class);
            return value.isEmpty() || !(value.get().isNegative() || (!zeroAllowed && value.get().toMillis() < 1));
        }

    }

    /** A ratio from 0 to 1, both included. */
    record Fraction() implements Bound {

        @Override
        public String describe() {
            return "must be between 0 and 1";
        }

        @Override
        public boolean holds(Config config, String key) {
            Optional<Double> value = config.getOptionalValue(key, Double.class);
            return value.isEmpty() || (value.get() >= 0 && value.get() <= 1);
        }

    }
}
