package io.sluice.e2e;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The flow control of Envoy's cluster to the ext_proc server: what Envoy Gateway renders for it, read from its own
 * translator, or Envoy's defaults. The perf suite's templates take it as placeholders ({@link #templateVars()}), so
 * that a figure says which of the two it was measured under.
 *
 * @param lbPolicy Envoy's {@code lb_policy} enum name
 */
public record ExtProcClusterSettings(String name, long streamWindow, long connectionWindow, long bufferLimit,
        String lbPolicy, String connectTimeout) {

    public static final String ENVOY_GATEWAY = "envoy-gateway";
    public static final String ENVOY_DEFAULTS = "envoy-defaults";

    /** Envoy Gateway's, from {@code egctl x translate} of the separate-Service pattern (about a second). */
    public static ExtProcClusterSettings envoyGateway() {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(Egctl.translate(EnvoyGatewayPattern.separateService().yaml()));
        return of(ENVOY_GATEWAY, xds.cluster(EnvoyGatewayTranslationIT.extProcCluster(xds)));
    }

    /**
     * Envoy's own defaults for a cluster that sets none of these (Envoy 1.40's API docs): 256 MiB HTTP/2 windows,
     * 1 MiB buffer limit, round robin, 5 s connect timeout.
     */
    public static ExtProcClusterSettings envoyDefaults() {
        return new ExtProcClusterSettings(ENVOY_DEFAULTS, 256L << 20, 256L << 20, 1L << 20, "ROUND_ROBIN", "5s");
    }

    public static ExtProcClusterSettings named(String name) {
        return switch (name) {
            case ENVOY_GATEWAY -> envoyGateway();
            case ENVOY_DEFAULTS -> envoyDefaults();
            default -> throw new IllegalArgumentException("no cluster settings '" + name + "'; there are "
                    + List.of(ENVOY_GATEWAY, ENVOY_DEFAULTS));
        };
    }

    /** Read from a rendered cluster (protobuf JSON); a field Envoy Gateway stops rendering fails here. */
    static ExtProcClusterSettings of(String name, JsonNode cluster) {
        JsonNode http2 = cluster.path("typedExtensionProtocolOptions")
                .path("envoy.extensions.upstreams.http.v3.HttpProtocolOptions").path("explicitHttpConfig")
                .path("http2ProtocolOptions");
        List<String> policies = cluster.path("loadBalancingPolicy").findValuesAsText("name");
        if (policies.size() != 1 || !policies.get(0).startsWith("envoy.load_balancing_policies.")) {
            throw new AssertionError("expected one load-balancing policy in " + cluster);
        }
        String lb = policies.get(0).substring("envoy.load_balancing_policies.".length()).toUpperCase(java.util.Locale.ROOT);
        return new ExtProcClusterSettings(name, required(http2, "initialStreamWindowSize"),
                required(http2, "initialConnectionWindowSize"), required(cluster, "perConnectionBufferLimitBytes"), lb,
                cluster.path("connectTimeout").asText());
    }

    private static long required(JsonNode node, String field) {
        if (!node.has(field)) {
            throw new AssertionError("no " + field + " in " + node);
        }
        return node.path(field).asLong();
    }

    /** The placeholders of the perf templates' ext_proc cluster. */
    public Map<String, String> templateVars() {
        return Map.of("EXT_PROC_STREAM_WINDOW", Long.toString(streamWindow),
                "EXT_PROC_CONNECTION_WINDOW", Long.toString(connectionWindow),
                "EXT_PROC_BUFFER_LIMIT", Long.toString(bufferLimit),
                "EXT_PROC_LB_POLICY", lbPolicy,
                "EXT_PROC_CONNECT_TIMEOUT", connectTimeout);
    }

    /** For report notes: "envoy-gateway (64 KiB stream / 1024 KiB connection windows, 32 KiB buffer, LEAST_REQUEST)". */
    public String describe() {
        return name + " (" + streamWindow / 1024 + " KiB stream / " + connectionWindow / 1024 + " KiB connection windows, "
                + bufferLimit / 1024 + " KiB per-connection buffer, " + lbPolicy + ")";
    }
}
