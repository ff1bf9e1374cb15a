package io.sluice.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.grpc.Server;
import io.quarkus.test.junit.QuarkusTest;

/** The shutdown drain reaches the very server that serves ext_proc (it uses vertx-grpc internals, see the class). */
@QuarkusTest
class QuarkusGrpcServersTest {

    @Test
    void findsTheRunningServerOnTheGrpcPort() {
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        List<Server> servers = QuarkusGrpcServers.running();
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).getPort()).isEqualTo(port);
        assertThat(servers.get(0).isShutdown()).isFalse();
        assertThat(servers.get(0).getServices()).anyMatch(s -> s.getServiceDescriptor().getName()
                .equals("envoy.service.ext_proc.v3.ExternalProcessor"));
    }
}
