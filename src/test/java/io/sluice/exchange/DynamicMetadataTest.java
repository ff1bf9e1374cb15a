package io.sluice.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.sluice.message.PhaseReply.MetadataEntry;

class DynamicMetadataTest {

    private final DynamicMetadata metadata = new DynamicMetadata(16);

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Struct namespace(String namespace, String key, Value value) {
        return Struct.newBuilder().putFields(namespace, Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields(key, value)).build()).build();
    }

    @Test
    void oneEntryIsItsNamespaceStructAndTheSameInstanceNextTime() {
        MetadataEntry entry = new MetadataEntry("memo.test", "verdict", string("allow"));
        Struct first = metadata.of(List.of(entry));
        assertThat(first).isEqualTo(namespace("memo.test", "verdict", string("allow")));
        assertThat(metadata.of(List.of(new MetadataEntry("memo.test", "verdict", string("allow"))))).isSameAs(first);
        assertThat(metadata.of(List.of(new MetadataEntry("memo.test", "verdict", string("deny")))))
                .isEqualTo(namespace("memo.test", "verdict", string("deny")));
    }

    @Test
    void entriesGroupByNamespaceInOrder() {
        Struct root = metadata.of(List.of(new MetadataEntry("a", "x", string("1")),
                new MetadataEntry("b", "y", string("2")), new MetadataEntry("a", "z", string("3"))));
        assertThat(root.getFieldsMap()).containsOnlyKeys("a", "b");
        assertThat(root.getFieldsOrThrow("a").getStructValue().getFieldsMap()).containsOnlyKeys("x", "z");
        assertThat(root.getFieldsOrThrow("b").getStructValue().getFieldsOrThrow("y")).isEqualTo(string("2"));
    }

    @Test
    void theMemoStopsGrowingAtItsLimit() {
        for (int i = 0; i < 16 + 100; i++) {
            Value value = string("v" + i);
            assertThat(metadata.of(List.of(new MetadataEntry("memo.limit", "k", value))))
                    .isEqualTo(namespace("memo.limit", "k", value));
        }
        assertThat(metadata.memoized()).isEqualTo(16);
    }
}
