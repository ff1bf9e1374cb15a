package io.sluice.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpc.Server;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.sluice.transport.TcpServer;
import io.sluice.transport.uds.UnixSocketServer;

/**
 * Sluice's graceful shutdown, on Quarkus' own sequence:
 * <ol>
 * <li>SIGTERM: Quarkus turns readiness DOWN and fires {@link ShutdownDelayInitiatedEvent}; here gRPC health turns
 * NOT_SERVING (Quarkus leaves it SERVING). Everything is still served.</li>
 * <li>Quarkus waits {@code quarkus.shutdown.delay} ({@code sluice.shutdown.delay}) so that Envoy's health check and
 * Kubernetes' endpoints move new exchanges elsewhere.</li>
 * <li>{@link ShutdownEvent}, first of its observers: the gRPC servers (TCP and the optional Unix socket) refuse new
 * streams with GOAWAY and the exchanges in flight get {@code sluice.shutdown.drain-timeout} to finish, before the
 * servers' own stop cuts what is left.</li>
 * </ol>
 */
@ApplicationScoped
public class ShutdownSequence {

    private static final Logger LOG = Logger.getLogger(ShutdownSequence.class);

    private final ShutdownConfig config;
    private final GrpcHealthSwitch health;
    private final TcpServer tcp;
    private final UnixSocketServer unixSocket;
    private final AtomicBoolean unhealthy = new AtomicBoolean();

    public ShutdownSequence(ShutdownConfig config, GrpcHealthSwitch health, TcpServer tcp,
            UnixSocketServer unixSocket) {
        this.config = config;
        this.tcp = tcp;
        this.health = health;
        this.unixSocket = unixSocket;
    }

    void onSigterm(@Observes ShutdownDelayInitiatedEvent event) {
        turnUnhealthy();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        // Without a delay (dev mode, or delay 0) Quarkus fires no ShutdownDelayInitiatedEvent.
        turnUnhealthy();
        List<Server> servers = new ArrayList<>();
        tcp.grpcServer().ifPresent(servers::add);
        unixSocket.grpcServer().ifPresent(servers::add);
        LOG.infof("Shutdown: refusing new ext_proc streams (GOAWAY to %d gRPC server(s)); waiting up to %d ms for "
                + "the exchanges in flight (%s)", servers.size(), config.drainTimeout().toMillis(), ShutdownConfig.DRAIN_TIMEOUT);
        try {
            GracefulDrain.Result result = GracefulDrain.drain(servers, config.drainTimeout());
            if (result.clean()) {
                LOG.infof("Shutdown: drained, every exchange in flight finished (%d ms)", result.millis());
            } else {
                LOG.warnf("Shutdown: %s (%d ms) passed with exchanges still in flight; they were cancelled",
                        ShutdownConfig.DRAIN_TIMEOUT, config.drainTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            servers.forEach(Server::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }

    private void turnUnhealthy() {
        if (unhealthy.compareAndSet(false, true)) {
            List<String> services = health.notServing();
            LOG.infof("Shutdown: readiness DOWN, gRPC health NOT_SERVING for %s; still serving for %d ms (%s)",
                    services, config.delay().toMillis(), ShutdownConfig.DELAY);
        }
    }
}
