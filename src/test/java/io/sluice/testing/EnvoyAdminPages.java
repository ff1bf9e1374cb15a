package io.sluice.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The parsing of the Envoy admin pages the tests read. */
final class EnvoyAdminPages {

    private EnvoyAdminPages() {
    }

    /** Counters and gauges from the plain-text {@code /stats} page ({@code name: value}); histograms are skipped. */
    static Map<String, Long> stats(String text, String prefix) {
        Map<String, Long> stats = new TreeMap<>();
        for (String line : text.split("\n")) {
            int sep = line.lastIndexOf(": ");
            if (sep <= 0 || !line.startsWith(prefix)) {
                continue;
            }
            String value = line.substring(sep + 2).trim();
            if (!value.isEmpty() && (Character.isDigit(value.charAt(0)) || value.charAt(0) == '-')) {
                try {
                    stats.put(line.substring(0, sep), Long.parseLong(value));
                } catch (NumberFormatException ignored) {
                    // Not a counter or gauge (histogram summary, text readout).
                }
            }
        }
        return stats;
    }

    /** The bound port of {@code listenerName} from {@code /listeners?format=json}, or -1. */
    static int listenerPort(String json, String listenerName) {
        for (Object o : new JsonObject(json).getJsonArray("listener_statuses", new JsonArray())) {
            JsonObject status = (JsonObject) o;
            if (listenerName.equals(status.getString("name"))) {
                JsonObject socket = status.getJsonObject("local_address", new JsonObject()).getJsonObject("socket_address");
                return socket == null ? -1 : socket.getInteger("port_value", -1);
            }
        }
        return -1;
    }

    /** One entry per host of {@code cluster} from the plain-text {@code /clusters} page, e.g. {@code healthy} or {@code /failed_active_hc}. */
    static List<String> healthFlags(String clustersText, String cluster) {
        List<String> flags = new ArrayList<>();
        String prefix = cluster + "::";
        String marker = "::health_flags::";
        for (String line : clustersText.split("\n")) {
            int at = line.indexOf(marker);
            if (line.startsWith(prefix) && at > 0) {
                flags.add(line.substring(at + marker.length()).trim());
            }
        }
        return flags;
    }
}
