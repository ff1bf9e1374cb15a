package io.sluice.warmup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sluice.config.SluiceConfig;
import io.sluice.lifecycle.GrpcHealthSwitch;
import io.sluice.pipeline.BoundStage;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineRegistry;
import io.sluice.transport.TcpServer;
import io.sluice.transport.health.GrpcHealth;
import io.sluice.transport.warmup.WarmUpMarker;
import io.vertx.core.Vertx;

/**
 * Ready means warm. At start-up, before anything else observes it: gRPC health NOT_SERVING (Quarkus reported SERVING
 * as its server bound) and readiness DOWN; then, on a thread of its own, rounds of ext_proc exchanges through Sluice's
 * own gRPC port to every pipeline the routing reaches, while each stage prepares its connections; once a round's
 * slowest reply is within the target, gRPC health SERVING and readiness UP. Past {@code sluice.warm-up.max-duration}
 * Sluice reports ready anyway and says so. The ext_proc port serves Envoy throughout: only health waits.
 */
@ApplicationScoped
public class WarmUpSequence {

    private static final Logger LOG = Logger.getLogger(WarmUpSequence.class);

    private final WarmUpConfig config;
    private final SluiceConfig sluice;
    private final PipelineRegistry pipelines;
    private final GrpcHealthSwitch health;
    private final WarmUpReadiness readiness;
    private final WarmUpMarker marker;
    private final GrpcHealth held;
    private final TcpServer server;
    private final Vertx vertx;
    private volatile WarmUpRun run;
    private volatile Thread thread;

    public WarmUpSequence(WarmUpConfig config, SluiceConfig sluice, PipelineRegistry pipelines, GrpcHealthSwitch health,
            @Readiness WarmUpReadiness readiness, WarmUpMarker marker, GrpcHealth held, TcpServer server, Vertx vertx) {
        this.config = config;
        this.server = server;
        this.sluice = sluice;
        this.pipelines = pipelines;
        this.health = health;
        this.readiness = readiness;
        this.marker = marker;
        this.held = held;
        this.vertx = vertx;
    }

    /** Once the listeners are bound: it dials the gRPC port. */
    void start(@Observes @Priority(TcpServer.START_PRIORITY + 10) StartupEvent event) {
        WarmUpPlan plan = WarmUpPlan.of(config, sluice.exchange().envoyMessageTimeout());
        if (!config.enabled()) {
            held.release();
            prepareStages();
            readiness.done("off");
            LOG.infof("Warm-up off (%s=false): ready as soon as the servers listen; this JVM's first exchanges may "
                    + "outlast Envoy's message timer", WarmUpConfig.ENABLED);
            return;
        }
        health.notServingYet();
        readiness.warming();
        Map<String, WarmUpRoute> routes = WarmUpRoutes.find(sluice.routing(), pipelines);
        WarmUpRun warmUp = new WarmUpRun(plan, routes, marker.mark());
        run = warmUp;
        Thread t = new Thread(() -> warmUp(plan, warmUp, routes), "sluice-warm-up");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Before the graceful drain (priority 1), which would otherwise wait for the warm-up's streams too. */
    void stop(@Observes @Priority(0) ShutdownEvent event) {
        WarmUpRun r = run;
        if (r != null) {
            r.stop();
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void warmUp(WarmUpPlan plan, WarmUpRun warmUp, Map<String, WarmUpRoute> routes) {
        CompletableFuture<Void> prepared = prepareStages();
        WarmUpRun.Result result = null;
        String channel = "?";
        boolean mutual = false;
        try (WarmUpChannel client = WarmUpChannel.open(server, ConfigProvider.getConfig(), vertx)) {
            channel = client.description();
            mutual = client.mutual();
            LOG.debugf("Warm-up: %d exchanges a round, %d at once, to %s over %s", warmUp.exchangesPerRound(),
                    plan.concurrency(), routes.keySet(), channel);
            result = warmUp.run(client, prepared);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Warm-up: failed (%s); turning ready without it", e.getMessage());
            ready("not-warm");
            return;
        }
        if (result == null || result.end() == WarmUpRun.End.STOPPED) {
            return;
        }
        ready(result.end() == WarmUpRun.End.WARM ? "warm" : "not-warm");
        log(plan, result, routes, channel, mutual);
    }

    private void ready(String how) {
        held.release();
        health.serving();
        readiness.done(how);
    }

    private static void log(WarmUpPlan plan, WarmUpRun.Result result, Map<String, WarmUpRoute> routes, String channel,
            boolean mutual) {
        String slowest = result.lastRound() == null ? "no round ran"
                : String.format("slowest reply of the last round %.1f ms", result.lastRound().slowestNanos() / 1e6);
        switch (result.end()) {
            case WARM -> LOG.infof("Warm-up: warm after %d exchanges (%d messages) in %d round%s, %d ms; %s (target %d "
                    + "ms, %s); pipelines %s; readiness UP, gRPC health SERVING", result.exchanges(), result.messages(),
                    result.rounds(), result.rounds() == 1 ? "" : "s", result.millis(), slowest, plan.target().toMillis(),
                    WarmUpConfig.TARGET, routes.keySet());
            case CAPPED -> LOG.warnf("Warm-up: %s (%d ms) passed before Sluice was warm (%s; target %d ms, %s%s) after %d "
                    + "exchanges in %d rounds; turning ready anyway", WarmUpConfig.MAX_DURATION,
                    plan.maxDuration().toMillis(), slowest, plan.target().toMillis(), WarmUpConfig.TARGET,
                    result.problem() == null ? "" : "; " + result.problem(), result.exchanges(), result.rounds());
            case TLS_REFUSED -> LOG.warnf("Warm-up: the gRPC port %s refused the warm-up client's TLS handshake (%s)%s; "
                    + "turning ready without a warm-up", channel, result.problem(), mutual
                            ? ": the client presents the server's own certificate (quarkus.grpc.server.ssl.certificate), "
                                    + "which with quarkus.grpc.server.ssl.client-auth=REQUIRED must be issued by a CA in "
                                    + "sluice.tls.client-ca and allow client authentication (extended key usage "
                                    + "\"client auth\"; cert-manager: spec.usages)"
                            : "");
            case STOPPED -> {
            }
        }
    }

    /** Every stage of every pipeline prepares once; the future never fails, a failure is logged. */
    private CompletableFuture<Void> prepareStages() {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Pipeline pipeline : pipelines.pipelines()) {
            for (BoundStage stage : pipeline.stages()) {
                if (!seen.add(stage.stage())) {
                    continue;
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                try {
                    stage.stage().prepare().subscribe().with(ok -> done.complete(null), failure -> {
                        LOG.warnf("Stage '%s' could not prepare before ready (%s): its first exchanges will have to",
                                stage.name(), failure.getMessage());
                        done.complete(null);
                    });
                } catch (RuntimeException e) {
                    LOG.warnf("Stage '%s' could not prepare before ready (%s)", stage.name(), e.toString());
                    done.complete(null);
                }
                all.add(done);
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
