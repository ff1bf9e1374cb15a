package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Dotted paths into a Jackson tree, where {@code name[]} stands for every element of the array {@code name}:
 * {@code spec.extProc[].backendRefs[].name}.
 */
final class JsonPaths {

    private JsonPaths() {
    }

    /** The values the path reaches; absent branches contribute nothing. */
    static List<JsonNode> values(JsonNode root, String path) {
        List<JsonNode> found = new ArrayList<>();
        walk(root, path.split("\\."), 0, "", found, new ArrayList<>());
        return found;
    }

    /** Concrete locations where the path stops short (a missing field, or an empty or non-array list). */
    static List<String> missing(JsonNode root, String path) {
        List<String> missing = new ArrayList<>();
        walk(root, path.split("\\."), 0, "", new ArrayList<>(), missing);
        return missing;
    }

    private static void walk(JsonNode node, String[] segments, int i, String at, List<JsonNode> found,
            List<String> missing) {
        if (i == segments.length) {
            found.add(node);
            return;
        }
        boolean each = segments[i].endsWith("[]");
        String name = each ? segments[i].substring(0, segments[i].length() - 2) : segments[i];
        String here = at.isEmpty() ? name : at + "." + name;
        JsonNode child = node.isObject() ? node.get(name) : null;
        if (child == null || child.isNull()) {
            missing.add(here);
            return;
        }
        if (!each) {
            walk(child, segments, i + 1, here, found, missing);
            return;
        }
        if (!child.isArray() || child.isEmpty()) {
            missing.add(here + "[]");
            return;
        }
        for (int k = 0; k < child.size(); k++) {
            walk(child.get(k), segments, i + 1, here + "[" + k + "]", found, missing);
        }
    }
}
