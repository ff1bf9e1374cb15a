package io.sluice.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

/**
 * Turns a CRD's {@code openAPIV3Schema} into a JSON Schema that rejects what {@code kubectl apply} rejects.
 *
 * <p>A structural CRD schema describes objects with {@code properties} only; the API server then refuses
 * (kubectl's default strict field validation) or prunes any other field. Plain JSON Schema would accept them,
 * so a misspelt field such as {@code processingmode} would pass unnoticed. Every object schema is therefore
 * closed with {@code additionalProperties: false}, unless it says {@code x-kubernetes-preserve-unknown-fields}
 * or is an embedded resource. OpenAPI 3.0 schemas are draft-4 JSON Schema in this subset.
 *
 * <p>Not checked: the CEL rules in {@code x-kubernetes-validations} (they need a Kubernetes CEL environment),
 * and defaulting. The {@code x-kubernetes-*} keys are dropped after use so the validator does not warn.
 */
final class CrdSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    private CrdSchemas() {
    }

    static JsonSchema strict(JsonNode openApiV3Schema) {
        if (!openApiV3Schema.isObject()) {
            throw new IllegalArgumentException("CRD version without openAPIV3Schema");
        }
        ObjectNode copy = openApiV3Schema.deepCopy();
        close(copy, true);
        return FACTORY.getSchema(copy);
    }

    private static void close(ObjectNode schema, boolean root) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
        List<String> k8sKeys = new ArrayList<>();
        schema.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-kubernetes-")) {
                k8sKeys.add(name);
            }
        });
        schema.remove(k8sKeys);

        if ("object".equals(schema.path("type").asText()) && !preserve && !embedded
                && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        JsonNode properties = schema.get("properties");
        if (properties instanceof ObjectNode props) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> p = it.next();
                // The API server owns metadata; the CRD only says "object".
                if (root && "metadata".equals(p.getKey())) {
                    continue;
                }
                if (p.getValue() instanceof ObjectNode child) {
                    close(child, false);
                }
            }
        }
        if (schema.get("items") instanceof ObjectNode items) {
            close(items, false);
        }
        if (schema.get("additionalProperties") instanceof ObjectNode values) {
            close(values, false);
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode branch : schema.path(combinator)) {
                if (branch instanceof ObjectNode b) {
                    close(b, false);
                }
            }
        }
        if (schema.get("not") instanceof ObjectNode not) {
            close(not, false);
        }
    }
}
