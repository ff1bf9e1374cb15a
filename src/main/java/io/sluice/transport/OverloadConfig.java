package io.sluice.transport;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** When Sluice refuses new exchanges instead of queueing them (README "Overload and memory"). */
@ConfigMapping(prefix = "sluice.overload")
public interface OverloadConfig {

    String MAX_EXCHANGES = "sluice.overload.max-exchanges";

    /**
     * Exchanges (ext_proc streams) in progress at once, over all connections and listeners. A new stream beyond it is
     * refused at once with {@code UNAVAILABLE}, so Envoy's {@code failure_mode_allow} decides in microseconds rather
     * than after its message timer. Together with {@code sluice.transport.stream-window} it bounds the direct memory
     * that waiting bodies can take; the default fits the generated manifests (512 MiB, {@code -XX:MaxDirectMemorySize=144m}): 400 x 64 KiB x 4
     * = 100 MiB.
     */
    @WithDefault("400")
    int maxExchanges();
}
