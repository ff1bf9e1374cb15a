package io.sluice.transport;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** When Sluice refuses new exchanges instead of queueing them (README "Overload and memory"). */
@ConfigMapping(prefix = "sluice.overload")
public interface OverloadConfig {

    String MAX_EXCHANGES = "sluice.overload.max-exchanges";
    String MAX_HELD_BYTES = "sluice.overload.max-held-bytes";

    /**
     * Exchanges (ext_proc streams) in progress at once, over all connections and listeners. A new stream beyond it is
     * refused at once with {@code UNAVAILABLE}, so Envoy's {@code failure_mode_allow} decides in microseconds rather
     * than after its message timer. Together with {@code sluice.transport.stream-window} it bounds the direct memory
     * that bodies not yet asked for can take in gRPC's windows; the default fits the generated manifests (512 MiB,
     * {@code -XX:MaxDirectMemorySize=144m}).
     */
    @WithDefault("400")
    int maxExchanges();

    /**
     * Bytes of Envoy's messages held at once, over all exchanges: from the moment gRPC starts reading a message until
     * Sluice has answered it (direct memory while it is read, heap while a stage holds it). A message that does not fit
     * waits, its stream's HTTP/2 window closed, so Envoy holds the rest (and pushes back on its client); it never fails
     * for it. One message larger than the whole budget is read alone. Why: a message's size is Envoy's to choose (a
     * STREAMED body held back while its headers were answered comes as one message of up to Envoy's buffer limit,
     * 1 MiB by default), and gRPC reads a message whole, returning window as it reads, so without this 400 exchanges
     * could hold 400 MiB.
     */
    @WithDefault("33554432")
    long maxHeldBytes();
}
