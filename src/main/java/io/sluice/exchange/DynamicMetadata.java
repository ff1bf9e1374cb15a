package io.sluice.exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.sluice.message.PhaseReply.MetadataEntry;

/**
 * A reply's {@code dynamic_metadata}: each namespace a top-level key whose value is a {@link Struct} of the entries
 * emitted into it.
 * <p>
 * Why memoized: most replies that carry metadata carry one entry, and most stages emit the same few (a tag, a cost, a
 * verdict), yet a {@code Struct} is two protobuf maps whose build and size computation were 3 % of Sluice's CPU in a
 * headers-only profile. A reply of one entry takes its root {@code Struct} from a bounded memo (protobuf messages are
 * immutable, and a memoized one keeps its serialized size); once the memo is full, new entries are built as before,
 * so high-cardinality values cost a lookup and nothing else.
 */
final class DynamicMetadata {

    /** What every reply uses: one memo for the process, at most 1,024 entries. */
    static final DynamicMetadata SHARED = new DynamicMetadata(1024);

    private final Map<MetadataEntry, Struct> single = new ConcurrentHashMap<>();
    private final int limit;

    DynamicMetadata(int limit) {
        this.limit = limit;
    }

    Struct of(List<MetadataEntry> entries) {
        if (entries.size() == 1) {
            MetadataEntry entry = entries.get(0);
            Struct memo = single.get(entry);
            if (memo != null) {
                return memo;
            }
            Struct built = build(entries);
            if (single.size() < limit) {
                single.putIfAbsent(entry, built);
            }
            return built;
        }
        return build(entries);
    }

    /** Entries in one namespace (what stages mostly emit) need no map of namespaces. */
    private static Struct build(List<MetadataEntry> entries) {
        String only = entries.get(0).namespace();
        boolean oneNamespace = true;
        for (int i = 1; i < entries.size() && oneNamespace; i++) {
            oneNamespace = entries.get(i).namespace().equals(only);
        }
        Struct.Builder root = Struct.newBuilder();
        if (oneNamespace) {
            Struct.Builder struct = Struct.newBuilder();
            for (MetadataEntry e : entries) {
                struct.putFields(e.key(), e.value());
            }
            root.putFields(only, Value.newBuilder().setStructValue(struct).build());
        } else {
            Map<String, Struct.Builder> namespaces = new LinkedHashMap<>();
            for (MetadataEntry e : entries) {
                namespaces.computeIfAbsent(e.namespace(), n -> Struct.newBuilder()).putFields(e.key(), e.value());
            }
            namespaces.forEach((ns, struct) -> root.putFields(ns, Value.newBuilder().setStructValue(struct).build()));
        }
        return root.build();
    }

    int memoized() {
        return single.size();
    }
}
