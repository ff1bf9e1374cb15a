package io.sluice.warmup;

import java.util.Optional;
import java.util.function.Supplier;

import com.google.protobuf.Value;

import io.sluice.stage.ExchangeContext;

/**
 * A {@link WarmUpRoute} as the pipeline selector reads an exchange, so that the pipeline a route reaches is the
 * selector's own answer, not a copy of its rules. Facts only: the selector keeps no state in an exchange.
 */
final class RouteFacts implements ExchangeContext {

    private final WarmUpRoute route;

    RouteFacts(WarmUpRoute route) {
        this.route = route;
    }

    @Override
    public String id() {
        return "warm-up-route";
    }

    @Override
    public String pipeline() {
        return "";
    }

    @Override
    public Optional<String> method() {
        return Optional.of("GET");
    }

    @Override
    public Optional<String> path() {
        return Optional.of(route.path());
    }

    @Override
    public Optional<String> authority() {
        return Optional.of(route.authority());
    }

    @Override
    public Optional<String> scheme() {
        return Optional.of("http");
    }

    @Override
    public Optional<String> requestHeader(String name) {
        return switch (name) {
            case ":method" -> method();
            case ":path" -> path();
            case ":authority" -> authority();
            case ":scheme" -> scheme();
            default -> Optional.empty();
        };
    }

    @Override
    public Optional<String> attribute(String name) {
        return name.equals("xds.route_name") ? route.routeName() : Optional.empty();
    }

    @Override
    public Optional<Value> attributeValue(String name) {
        return attribute(name).map(v -> Value.newBuilder().setStringValue(v).build());
    }

    @Override
    public Optional<Value> metadata(String namespace, String key) {
        return Optional.empty();
    }

    @Override
    public boolean observabilityMode() {
        return false;
    }

    @Override
    public boolean warmUp() {
        return true;
    }

    @Override
    public <T> Optional<T> get(Key<T> key) {
        return Optional.empty();
    }

    @Override
    public <T> void put(Key<T> key, T value) {
        throw new UnsupportedOperationException("a warm-up route holds no exchange state");
    }

    @Override
    public <T> T computeIfAbsent(Key<T> key, Supplier<? extends T> initial) {
        throw new UnsupportedOperationException("a warm-up route holds no exchange state");
    }
}
