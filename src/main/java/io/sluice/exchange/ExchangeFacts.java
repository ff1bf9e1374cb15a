package io.sluice.exchange;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.sluice.message.MutableHeaders;
import io.sluice.stage.ExchangeContext;

/**
 * What Sluice learned about one exchange from Envoy's messages. Attributes arrive at the top level of
 * {@code ProcessingRequest} (Envoy 1.30+, Gloo 1.17+), once per direction; the metadata context on every message.
 */
final class ExchangeFacts implements ExchangeContext {

    // The maps are made when first needed: many exchanges carry no attributes, no metadata and no stage state.
    private final long serial;
    private final boolean warmUp;
    private String id;
    private String pipeline = "";
    private Map<String, Value> attributes = Map.of();
    private Map<String, Struct> metadata = Map.of();
    private MutableHeaders requestHeaders;
    private boolean observabilityMode;
    private volatile Map<Key<?>, Object> state;

    /** @param serial unique in this process; the id is made of it when first asked for */
    ExchangeFacts(long serial, boolean warmUp) {
        this.serial = serial;
        this.warmUp = warmUp;
    }

    /** Takes in what any message says about the exchange (not its headers or body). */
    void absorb(ProcessingRequest request) {
        if (request.getAttributesCount() > 0) {
            if (attributes.isEmpty()) {
                attributes = new HashMap<>();
            }
            // The map has a single key, "envoy.filters.http.ext_proc", whatever the filter is named; merging every
            // struct keeps us working with processing_request_modifier renames too.
            for (Struct struct : request.getAttributesMap().values()) {
                attributes.putAll(struct.getFieldsMap());
            }
        }
        if (request.hasMetadataContext() && request.getMetadataContext().getFilterMetadataCount() > 0) {
            if (metadata.isEmpty()) {
                metadata = new HashMap<>();
            }
            metadata.putAll(request.getMetadataContext().getFilterMetadataMap());
        }
        observabilityMode |= request.getObservabilityMode();
    }

    /** The request headers as Envoy sent them; stages' changes never show here (see {@link MutableHeaders#original}). */
    void requestHeaders(MutableHeaders headers) {
        if (requestHeaders == null) {
            requestHeaders = headers;
        }
    }

    void pipeline(String name) {
        this.pipeline = name;
    }

    @Override
    public String id() {
        String made = id;
        if (made == null) {
            // "w" in the logs: a line about a warm-up exchange is never mistaken for one about Envoy's.
            made = (warmUp ? "w" : "x") + Long.toString(serial, 36);
            id = made;
        }
        return made;
    }

    @Override
    public String pipeline() {
        return pipeline;
    }

    @Override
    public Optional<String> method() {
        return header(":method").or(() -> attribute("request.method"));
    }

    @Override
    public Optional<String> path() {
        return header(":path").or(() -> attribute("request.path"));
    }

    @Override
    public Optional<String> authority() {
        return header(":authority").or(() -> attribute("request.host"));
    }

    @Override
    public Optional<String> scheme() {
        return header(":scheme").or(() -> attribute("request.scheme"));
    }

    @Override
    public Optional<String> requestHeader(String name) {
        return header(name);
    }

    private Optional<String> header(String name) {
        return requestHeaders == null ? Optional.empty() : requestHeaders.original(name);
    }

    @Override
    public Optional<String> attribute(String name) {
        return attributeValue(name).map(ExchangeFacts::text);
    }

    @Override
    public Optional<Value> attributeValue(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    @Override
    public Optional<Value> metadata(String namespace, String key) {
        Struct struct = metadata.get(namespace);
        return struct == null ? Optional.empty() : Optional.ofNullable(struct.getFieldsMap().get(key));
    }

    @Override
    public boolean observabilityMode() {
        return observabilityMode;
    }

    @Override
    public boolean warmUp() {
        return warmUp;
    }

    @Override
    public <T> Optional<T> get(Key<T> key) {
        Map<Key<?>, Object> values = state;
        return values == null ? Optional.empty() : Optional.ofNullable(values.get(key)).map(key.type()::cast);
    }

    @Override
    public <T> void put(Key<T> key, T value) {
        if (value == null) {
            Map<Key<?>, Object> values = state;
            if (values != null) {
                values.remove(key);
            }
        } else {
            state().put(key, key.type().cast(value));
        }
    }

    @Override
    public <T> T computeIfAbsent(Key<T> key, Supplier<? extends T> initial) {
        return key.type().cast(state().computeIfAbsent(key, k -> initial.get()));
    }

    /** Concurrent: a stage's callback may run on another thread than the hook that started it. */
    private Map<Key<?>, Object> state() {
        Map<Key<?>, Object> values = state;
        if (values == null) {
            synchronized (this) {
                values = state;
                if (values == null) {
                    values = new ConcurrentHashMap<>();
                    state = values;
                }
            }
        }
        return values;
    }

    static String text(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case NUMBER_VALUE -> {
                double d = value.getNumberValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
            }
            case NULL_VALUE, KIND_NOT_SET -> "";
            default -> value.toString();
        };
    }
}
