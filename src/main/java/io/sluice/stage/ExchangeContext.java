package io.sluice.stage;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import com.google.protobuf.Value;

/**
 * What stages share about one HTTP exchange (one ext_proc stream): request facts, Envoy's attributes and
 * metadata context, and a typed per-exchange state bag.
 */
public interface ExchangeContext {

    /** A short id for logs, unique in this process. */
    String id();

    /** The pipeline chosen for this exchange. */
    String pipeline();

    /** {@code :method} from the request headers, else the {@code request.method} attribute. */
    Optional<String> method();

    /** {@code :path} from the request headers, else the {@code request.path} attribute. */
    Optional<String> path();

    /** {@code :authority} from the request headers, else the {@code request.host} attribute. */
    Optional<String> authority();

    Optional<String> scheme();

    /** A request header as Envoy sent it, before any stage changed it. */
    Optional<String> requestHeader(String name);

    /**
     * An attribute Envoy evaluated ({@code request_attributes}/{@code response_attributes}), read from the top
     * level of {@code ProcessingRequest}, e.g. {@code xds.route_name}. Numbers and booleans are rendered as text.
     */
    Optional<String> attribute(String name);

    Optional<Value> attributeValue(String name);

    /** A value from {@code metadata_context.filter_metadata[namespace][key]} (forwarding namespaces). */
    Optional<Value> metadata(String namespace, String key);

    /** True when Envoy runs the filter in observability mode: Sluice's replies are never sent. */
    boolean observabilityMode();

    /**
     * True for the exchanges Sluice sends itself before it reports ready (its warm-up), never for Envoy's: they are
     * marked out of band, with a secret only this process knows. Their replies go nowhere, so a stage with effects
     * outside the exchange (a call to a service, a write) should skip them, as the {@code enrichment} stage does.
     */
    boolean warmUp();

    <T> Optional<T> get(Key<T> key);

    <T> void put(Key<T> key, T value);

    /** The value of {@code key}, created with {@code initial} on first use: a stage's mutable per-exchange state. */
    <T> T computeIfAbsent(Key<T> key, Supplier<? extends T> initial);

    /** A typed key of the per-exchange state bag. */
    record Key<T>(String name, Class<T> type) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }

        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(name, type);
        }
    }
}
