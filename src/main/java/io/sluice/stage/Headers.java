package io.sluice.stage;

import java.util.List;
import java.util.Optional;

import com.google.protobuf.ByteString;

/**
 * A header or trailer map as the stage sees it: what Envoy sent, with the changes of earlier stages applied.
 * Names are lower case. Every change becomes a {@code HeaderMutation} entry with {@code raw_value} and an
 * explicit {@code append}: Envoy's ext_proc reads nothing else.
 */
public interface Headers {

    /** The first value of {@code name}, decoded as UTF-8. */
    Optional<String> get(String name);

    List<String> all(String name);

    Optional<ByteString> raw(String name);

    boolean contains(String name);

    /** Replaces every value of {@code name} (Envoy's {@code append: false}). */
    Headers set(String name, String value);

    /** Adds one more value of {@code name} (Envoy's {@code append: true}). */
    Headers append(String name, String value);

    /** Removes {@code name}; pseudo-headers and {@code host} cannot be removed. */
    Headers remove(String name);
}
