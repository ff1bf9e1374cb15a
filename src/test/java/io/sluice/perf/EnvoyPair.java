package io.sluice.perf;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.sluice.e2e.ExtProcClusterSettings;
import io.sluice.testing.EnvoyLauncher;

/**
 * The two Envoys one workload compares: {@code envoy/perf-direct.yaml} (no ext_proc) and {@code envoy/perf-ext-proc.yaml}
 * with the workload's modes and the given cluster to the ext_proc server, both in front of the same upstream, with one
 * worker thread each.
 */
final class EnvoyPair implements AutoCloseable {

    /** Envoy's ext_proc filter stats: {@code http.<stat_prefix of the templates>.ext_proc.*}. */
    static final String EXT_PROC_STATS = "http.ingress.ext_proc.";

    final EnvoyLauncher direct;
    final EnvoyLauncher extProc;

    private EnvoyPair(EnvoyLauncher direct, EnvoyLauncher extProc) {
        this.direct = direct;
        this.extProc = extProc;
    }

    static EnvoyPair start(E2eWorkload workload, int sluiceGrpcPort, int upstreamPort, ExtProcClusterSettings cluster) {
        Map<String, String> vars = new HashMap<>(workload.envoyModes());
        vars.putAll(cluster.templateVars());
        vars.put("SLUICE_GRPC_PORT", Integer.toString(sluiceGrpcPort));
        vars.put("UPSTREAM_PORT", Integer.toString(upstreamPort));
        String name = "perf-e2e-" + cluster.name() + "-" + workload.name();
        EnvoyLauncher direct = EnvoyLauncher.start(name + "-direct", "envoy/perf-direct.yaml", vars);
        try {
            return new EnvoyPair(direct, EnvoyLauncher.start(name + "-ext-proc", "envoy/perf-ext-proc.yaml", vars));
        } catch (RuntimeException e) {
            direct.close();
            throw e;
        }
    }

    EnvoyLauncher side(boolean withExtProc) {
        return withExtProc ? extProc : direct;
    }

    URI uri(boolean withExtProc, String path) {
        return URI.create("http://127.0.0.1:" + side(withExtProc).listenerPort("main") + path);
    }

    @Override
    public void close() {
        try {
            extProc.close();
        } finally {
            direct.close();
        }
    }
}
