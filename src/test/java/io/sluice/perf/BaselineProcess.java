package io.sluice.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.testing.ProcessProbe;

/** {@link BaselineExtProcServer} in a JVM of its own, started with the JVM options Sluice gets. */
public final class BaselineProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private BaselineProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static BaselineProcess start(List<String> jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BaselineExtProcServer.class.getName());
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(BaselineExtProcServer.LISTENING)) {
                int port = Integer.parseInt(line.substring(BaselineExtProcServer.LISTENING.length()).trim());
                // Keep draining its output so a chatty JVM never blocks on a full pipe.
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "baseline-output");
                drain.setDaemon(true);
                drain.start();
                return new BaselineProcess(process, port);
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("the baseline ext_proc server exited before it listened:\n" + seen);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessProbe probe() {
        return new ProcessProbe(process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
