package io.sluice.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.sluice.stage.HeaderRules;
import io.sluice.stage.Headers;

/**
 * The header map of one message as the stages change it: Envoy's list as it arrived, and the names the stages
 * touched with their values now. Reads scan Envoy's list (a dozen headers: cheaper than building a map for a message
 * most stages only read); a log of operations lets a stage's changes be rolled back when it fails open.
 */
public final class MutableHeaders implements Headers {

    /** Shared: {@code BoolValue} is immutable, and every mutated header needs one of the two. */
    private static final BoolValue APPEND = BoolValue.of(true);
    private static final BoolValue REPLACE = BoolValue.of(false);

    private record Op(boolean remove, boolean append, String name, ByteString value) {
    }

    private final List<HeaderValue> original;
    /** Touched names, in the order first touched, with their values now (empty: removed); null until a change. */
    private Map<String, List<ByteString>> changed;
    private List<Op> ops;

    private MutableHeaders(List<HeaderValue> original) {
        this.original = original;
    }

    public static MutableHeaders of(HeaderMap map) {
        return new MutableHeaders(map.getHeadersList());
    }

    public static MutableHeaders empty() {
        return new MutableHeaders(List.of());
    }

    @Override
    public Optional<String> get(String name) {
        ByteString value = first(name);
        return value == null ? Optional.empty() : Optional.of(value.toStringUtf8());
    }

    /** The first value Envoy sent for {@code name}, whatever stages did since. */
    public Optional<String> original(String name) {
        ByteString value = firstOriginal(HeaderRules.normalize(name));
        return value == null ? Optional.empty() : Optional.of(value.toStringUtf8());
    }

    @Override
    public List<String> all(String name) {
        return values(HeaderRules.normalize(name)).stream().map(ByteString::toStringUtf8).toList();
    }

    @Override
    public Optional<ByteString> raw(String name) {
        return Optional.ofNullable(first(name));
    }

    @Override
    public boolean contains(String name) {
        return first(name) != null;
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
    public MutableHeaders afterChanges() {
        if (changed == null) {
            return new MutableHeaders(original);
        }
        List<HeaderValue> after = new ArrayList<>(original.size() + changed.size());
        for (HeaderValue header : original) {
            if (!changed.containsKey(HeaderRules.normalize(header.getKey()))) {
                after.add(header);
            }
        }
        changed.forEach((name, values) -> values.forEach(v -> after.add(HeaderValue.newBuilder().setKey(name)
                .setRawValue(v).build())));
        return new MutableHeaders(after);
    }

    public int checkpoint() {
        return ops == null ? 0 : ops.size();
    }

    public void rollback(int checkpoint) {
        if (ops == null || checkpoint == ops.size()) {
            return;
        }
        List<Op> kept = new ArrayList<>(ops.subList(0, checkpoint));
        ops = null;
        changed = null;
        kept.forEach(this::apply);
    }

    public boolean changed() {
        return ops != null && !ops.isEmpty();
    }

    /**
     * The net effect as Envoy applies it: {@code remove_headers} first, then {@code set_headers} in order, with
     * {@code append} explicit on every entry (Envoy ignores {@code append_action}). The shared empty instance when
     * nothing changed, so that an untouched message allocates no mutation.
     */
    public HeaderMutation toMutation() {
        if (changed == null) {
            return HeaderMutation.getDefaultInstance();
        }
        HeaderMutation.Builder mutation = null;
        for (Map.Entry<String, List<ByteString>> entry : changed.entrySet()) {
            String name = entry.getKey();
            List<ByteString> before = originalValues(name);
            List<ByteString> after = entry.getValue();
            if (after.equals(before)) {
                continue;
            }
            if (mutation == null) {
                mutation = HeaderMutation.newBuilder();
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
        return mutation == null ? HeaderMutation.getDefaultInstance() : mutation.build();
    }

    public static HeaderValueOption option(String name, ByteString value, boolean append) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(value))
                .setAppend(append ? APPEND : REPLACE)
                .build();
    }

    private ByteString first(String name) {
        String key = HeaderRules.normalize(name);
        if (changed != null) {
            List<ByteString> values = changed.get(key);
            if (values != null) {
                return values.isEmpty() ? null : values.get(0);
            }
        }
        return firstOriginal(key);
    }

    private List<ByteString> values(String key) {
        if (changed != null) {
            List<ByteString> values = changed.get(key);
            if (values != null) {
                return values;
            }
        }
        return originalValues(key);
    }

    private ByteString firstOriginal(String key) {
        for (int i = 0, n = original.size(); i < n; i++) {
            HeaderValue header = original.get(i);
            if (matches(header, key)) {
                return value(header);
            }
        }
        return null;
    }

    private List<ByteString> originalValues(String key) {
        List<ByteString> values = List.of();
        for (int i = 0, n = original.size(); i < n; i++) {
            HeaderValue header = original.get(i);
            if (matches(header, key)) {
                if (values.isEmpty()) {
                    values = new ArrayList<>(1);
                }
                values.add(value(header));
            }
        }
        return values;
    }

    /** Envoy sends names in lower case; an upper-case one (a hand-written client) still matches. */
    private static boolean matches(HeaderValue header, String key) {
        String name = header.getKey();
        return name.equals(key) || name.equalsIgnoreCase(key);
    }

    /** Envoy 1.32+ sends raw_value only; older ones sent value. */
    private static ByteString value(HeaderValue header) {
        ByteString raw = header.getRawValue();
        return raw.isEmpty() ? ByteString.copyFromUtf8(header.getValue()) : raw;
    }

    private void apply(Op op) {
        if (ops == null) {
            ops = new ArrayList<>(2);
            changed = new LinkedHashMap<>(4);
        }
        ops.add(op);
        if (op.remove()) {
            changed.put(op.name(), List.of());
        } else if (op.append()) {
            List<ByteString> now = values(op.name());
            List<ByteString> values = new ArrayList<>(now.size() + 1);
            values.addAll(now);
            values.add(op.value());
            changed.put(op.name(), values);
        } else {
            changed.put(op.name(), List.of(op.value()));
        }
    }
}
