package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The check for a kind that has no CRD schema here: the fields it needs are present, and the enumerated ones
 * hold a known value. {@code why} says why there is no schema.
 */
record StructuralCheck(String why, List<String> required, Map<String, Set<String>> allowed) {

    List<String> problems(JsonNode resource) {
        List<String> problems = new ArrayList<>();
        for (String path : required) {
            for (String at : JsonPaths.missing(resource, path)) {
                problems.add("missing " + at + " (required: " + path + ")");
            }
        }
        allowed.forEach((path, values) -> {
            for (JsonNode value : JsonPaths.values(resource, path)) {
                if (!value.isTextual() || !values.contains(value.asText())) {
                    problems.add(path + " is " + value + ", expected one of " + values);
                }
            }
        });
        return problems;
    }
}
