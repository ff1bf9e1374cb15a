package io.sluice.observability;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * A WARN line per cause at most once per 10 s; what comes in between is counted and folded into the next line ("and
 * 41 more in the last 10 s"). For what a client can repeat at will (bad streams, bad connections), so that the log
 * stays readable under abuse while the first occurrence is always there.
 */
public final class ThrottledLog {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final ConcurrentHashMap<String, long[]> causes = new ConcurrentHashMap<>();

    public ThrottledLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code line} now if {@code cause} was not logged in the last 10 s, with how many were folded since. */
    public void warn(String cause, String line) {
        long now = System.nanoTime();
        long[] state = causes.computeIfAbsent(cause, c -> new long[] { now - INTERVAL_NANOS, 0 });
        long folded;
        synchronized (state) {
            if (now - state[0] < INTERVAL_NANOS) {
                state[1]++;
                return;
            }
            state[0] = now;
            folded = state[1];
            state[1] = 0;
        }
        if (folded == 0) {
            log.warn(line);
        } else {
            log.warnf("%s (and %d more of %s in the last %d s)", line, folded, cause,
                    TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS));
        }
    }
}
