package io.sluice.exchange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.sluice.stage.HeaderRules;
import io.sluice.stage.Headers;

/**
 * The header map of one message as the stages change it. Keeps the original and a log of operations, so a
 * stage's changes can be rolled back when it fails open, and the net effect can be encoded for Envoy.
 */
final class MutableHeaders implements Headers {

    private record Op(boolean remove, boolean append, String name, ByteString value) {
    }

    private final Map<String, List<ByteString>> original;
    /** Copied from the original on the first change only: most messages are read, not changed. */
    private Map<String, List<ByteString>> current;
    private final List<Op> ops = new ArrayList<>();

    private MutableHeaders(Map<String, List<ByteString>> original) {
        this.original = original;
    }

    static MutableHeaders of(HeaderMap map) {
        Map<String, List<ByteString>> values = new LinkedHashMap<>();
        for (HeaderValue h : map.getHeadersList()) {
            // Envoy 1.32+ sends raw_value only; older ones sent value.
            ByteString v = h.getRawValue().isEmpty() ? ByteString.copyFromUtf8(h.getValue()) : h.getRawValue();
            values.computeIfAbsent(HeaderRules.normalize(h.getKey()), k -> new ArrayList<>(1)).add(v);
        }
        return new MutableHeaders(values);
    }

    static MutableHeaders empty() {
        return new MutableHeaders(new LinkedHashMap<>());
    }

    @Override
    public Optional<String> get(String name) {
        return raw(name).map(ByteString::toStringUtf8);
    }

    /** The first value Envoy sent for {@code name}, whatever stages did since. */
    Optional<String> original(String name) {
        List<ByteString> values = original.get(HeaderRules.normalize(name));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0).toStringUtf8());
    }

    @Override
    public List<String> all(String name) {
        List<ByteString> values = view().get(HeaderRules.normalize(name));
        return values == null ? List.of() : values.stream().map(ByteString::toStringUtf8).toList();
    }

    @Override
    public Optional<ByteString> raw(String name) {
        List<ByteString> values = view().get(HeaderRules.normalize(name));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public boolean contains(String name) {
        return view().containsKey(HeaderRules.normalize(name));
    }

    @Override
    public Headers set(String name, String value) {
        HeaderRules.requireSettable(name, value);
        apply(new Op(false, false, HeaderRules.normalize(name), ByteString.copyFrom(value, StandardCharsets.UTF_8)));
        return this;
    }

    @Override
    public Headers append(String name, String value) {
        HeaderRules.requireSettable(name, value);
        apply(new Op(false, true, HeaderRules.normalize(name), ByteString.copyFrom(value, StandardCharsets.UTF_8)));
        return this;
    }

    @Override
    public Headers remove(String name) {
        HeaderRules.requireRemovable(name);
        apply(new Op(true, false, HeaderRules.normalize(name), ByteString.EMPTY));
        return this;
    }

    /** A new map whose original is this one with every change applied: what Envoy holds after the reply. */
    MutableHeaders afterChanges() {
        return new MutableHeaders(current == null ? original : copy(current));
    }

    int checkpoint() {
        return ops.size();
    }

    void rollback(int checkpoint) {
        List<Op> kept = new ArrayList<>(ops.subList(0, checkpoint));
        ops.clear();
        current = null;
        kept.forEach(this::apply);
    }

    boolean changed() {
        return !ops.isEmpty();
    }

    private Map<String, List<ByteString>> view() {
        return current == null ? original : current;
    }

    private void apply(Op op) {
        ops.add(op);
        if (current == null) {
            current = copy(original);
        }
        if (op.remove()) {
            current.remove(op.name());
        } else if (op.append()) {
            current.computeIfAbsent(op.name(), k -> new ArrayList<>(1)).add(op.value());
        } else {
            List<ByteString> values = new ArrayList<>(1);
            values.add(op.value());
            current.put(op.name(), values);
        }
    }

    /**
     * The net effect as Envoy applies it: {@code remove_headers} first, then {@code set_headers} in order, with
     * {@code append} explicit on every entry (Envoy ignores {@code append_action}).
     */
    HeaderMutation toMutation() {
        HeaderMutation.Builder mutation = HeaderMutation.newBuilder();
        Set<String> touched = new LinkedHashSet<>();
        ops.forEach(op -> touched.add(op.name()));
        for (String name : touched) {
            List<ByteString> before = original.getOrDefault(name, List.of());
            List<ByteString> after = view().getOrDefault(name, List.of());
            if (after.equals(before)) {
                continue;
            }
            if (after.isEmpty()) {
                mutation.addRemoveHeaders(name);
                continue;
            }
            boolean onlyAppended = !before.isEmpty() && after.size() > before.size()
                    && after.subList(0, before.size()).equals(before);
            int from = onlyAppended ? before.size() : 0;
            for (int i = from; i < after.size(); i++) {
                mutation.addSetHeaders(option(name, after.get(i), onlyAppended || i > 0));
            }
        }
        return mutation.build();
    }

    static HeaderValueOption option(String name, ByteString value, boolean append) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(value))
                .setAppend(com.google.protobuf.BoolValue.of(append))
                .build();
    }

    private static Map<String, List<ByteString>> copy(Map<String, List<ByteString>> source) {
        Map<String, List<ByteString>> copy = new LinkedHashMap<>();
        source.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }
}
