package io.sluice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;

/** The net effect of a stage's header changes, encoded the way Envoy applies it (removes first, then sets). */
class MutableHeadersTest {

    static MutableHeaders headers(String... nameValues) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.addHeaders(HeaderValue.newBuilder().setKey(nameValues[i]).setRawValue(ByteString.copyFromUtf8(nameValues[i + 1])));
        }
        return MutableHeaders.of(map.build());
    }

    static List<String> sets(HeaderMutation m) {
        return m.getSetHeadersList().stream().map(MutableHeadersTest::describe).toList();
    }

    static String describe(HeaderValueOption o) {
        return o.getHeader().getKey() + "=" + o.getHeader().getRawValue().toStringUtf8() + (o.getAppend().getValue() ? " (append)" : "");
    }

    @Test
    void setThenRemoveIsARemoveNotASet() {
        MutableHeaders h = headers("a", "1");
        h.set("a", "2");
        h.remove("a");
        HeaderMutation m = h.toMutation();
        assertThat(m.getRemoveHeadersList()).containsExactly("a");
        assertThat(m.getSetHeadersList()).isEmpty();
    }

    @Test
    void removeThenSetIsAnOverwrite() {
        MutableHeaders h = headers("a", "1", "a", "2");
        h.remove("a");
        h.set("a", "3");
        assertThat(sets(h.toMutation())).containsExactly("a=3");
        assertThat(h.toMutation().getRemoveHeadersList()).isEmpty();
    }

    @Test
    void appendsOnlyAddTheNewValues() {
        MutableHeaders h = headers("set-cookie", "a=1");
        h.append("set-cookie", "b=2");
        h.append("Set-Cookie", "c=3");
        assertThat(sets(h.toMutation())).containsExactly("set-cookie=b=2 (append)", "set-cookie=c=3 (append)");
    }

    @Test
    void setThenAppendOverwritesThenAppends() {
        MutableHeaders h = headers("x", "old");
        h.set("x", "1");
        h.append("x", "2");
        assertThat(sets(h.toMutation())).containsExactly("x=1", "x=2 (append)");
    }

    @Test
    void settingTheSameValueIsNoMutationAndEveryEntryHasExplicitAppend() {
        MutableHeaders h = headers("x", "same");
        h.set("x", "same");
        assertThat(h.toMutation().getSetHeadersCount()).isZero();
        h.set("y", "new");
        assertThat(h.toMutation().getSetHeaders(0).hasAppend()).isTrue();
        assertThat(h.toMutation().getSetHeaders(0).getHeader().getValue()).isEmpty();
    }

    @Test
    void rollbackRestoresTheCheckpoint() {
        MutableHeaders h = headers("a", "1");
        h.set("b", "2");
        int checkpoint = h.checkpoint();
        h.set("a", "changed");
        h.remove("b");
        h.rollback(checkpoint);
        assertThat(h.get("a")).contains("1");
        assertThat(h.get("b")).contains("2");
        assertThat(sets(h.toMutation())).containsExactly("b=2");
    }

    @Test
    void invalidChangesAreRefusedNamingTheHeader() {
        MutableHeaders h = headers(":path", "/");
        assertThatThrownBy(() -> h.set("x-a", "bad\r\nvalue")).hasMessageContaining("'x-a'").hasMessageContaining("CR, LF");
        assertThatThrownBy(() -> h.remove(":path")).hasMessageContaining("':path' cannot be removed");
        assertThatThrownBy(() -> h.remove("host")).hasMessageContaining("'host' cannot be removed");
        assertThatThrownBy(() -> h.set("bad name", "v")).hasMessageContaining("invalid character");
    }

    @Test
    void nonUtf8RawValuesPassThroughUntouched() {
        HeaderMap map = HeaderMap.newBuilder().addHeaders(HeaderValue.newBuilder().setKey("x-bin")
                .setRawValue(ByteString.copyFrom(new byte[] { (byte) 0xff, (byte) 0xfe }))).build();
        MutableHeaders h = MutableHeaders.of(map);
        h.set("x-other", "1");
        assertThat(h.raw("x-bin")).contains(ByteString.copyFrom(new byte[] { (byte) 0xff, (byte) 0xfe }));
        assertThat(sets(h.toMutation())).containsExactly("x-other=1");
    }
}
