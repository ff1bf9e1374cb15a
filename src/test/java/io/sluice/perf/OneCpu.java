package io.sluice.perf;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Pins a running process, every thread of it and the threads they start, to CPU 0 ({@code taskset -a -p}, util-linux):
 * what the manifests' {@code limits.cpu=1} leaves a pod, here on a machine whose other core runs Envoy and the load.
 */
final class OneCpu {

    private OneCpu() {
    }

    static void pin(long pid) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-c", "-p", "0", Long.toString(pid))
                .redirectErrorStream(true).start();
        String out = new String(taskset.getInputStream().readAllBytes());
        if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
            throw new IllegalStateException("taskset could not pin pid " + pid + " to CPU 0: " + out);
        }
    }
}
