package io.sluice.enrichment;

import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/** JSON values (as Jackson reads them) to the protobuf {@link Value}s that dynamic metadata carries. */
final class MetadataValues {

    private MetadataValues() {
    }

    static Value of(Object json) {
        if (json == null) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (json instanceof Value value) {
            return value;
        }
        if (json instanceof String s) {
            return Value.newBuilder().setStringValue(s).build();
        }
        if (json instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (json instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (json instanceof Map<?, ?> map) {
            Struct.Builder struct = Struct.newBuilder();
            map.forEach((k, v) -> struct.putFields(String.valueOf(k), of(v)));
            return Value.newBuilder().setStructValue(struct).build();
        }
        if (json instanceof List<?> list) {
            ListValue.Builder values = ListValue.newBuilder();
            list.forEach(v -> values.addValues(of(v)));
            return Value.newBuilder().setListValue(values).build();
        }
        throw new EnrichmentAnswer.InvalidAnswerException("metadata value of type " + json.getClass().getSimpleName()
                + " is not JSON");
    }
}
