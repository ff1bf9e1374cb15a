package io.sluice.e2e;

import static io.sluice.e2e.PackagedEnvoys.throughEnvoyGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.GrpcTestChannel;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;

/**
 * The sidecar pattern over a Unix domain socket: the packaged jar with {@code sluice.uds.path}, and a real Envoy on
 * what Envoy Gateway renders for the shipped sidecar resources with the policy pointed at Backend {@code extproc-uds}
 * (its ext_proc cluster's only endpoint a {@code pipe} address), the socket path moved to this machine. The socket starts out occupied by a stale file, as a killed Sluice leaves it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Packaged
class UnixSocketE2eIT {

    /** The cluster Envoy Gateway names after the sidecar policy's first backend. */
    static final String EXT_PROC_CLUSTER = "envoyextensionpolicy/default/add-ext-proc-server/extproc/0";

    static Path socket;
    static SluiceProcess sluice;
    static PackagedEnvoys envoys;
    static EnvoyLauncher envoy;

    @BeforeAll
    static void start() throws IOException {
        // Unix socket paths are limited to 107 bytes: a short temporary directory, not target/.
        socket = Files.createTempDirectory("sluice-uds").resolve("ext-proc.sock");
        leaveStaleSocket(socket);
        sluice = SluiceProcess.start("uds", List.of(), Map.of("sluice.uds.path", socket.toString()));
        try (GrpcTestChannel channel = GrpcTestChannel.unixSocket(socket)) {
            assertThat(channel.exchangeRequestHeaders().hasRequestHeaders()).isTrue();
        }
        envoys = new PackagedEnvoys();
        envoy = envoys.startRendered("eg-rendered-uds", EnvoyGatewayPattern.sidecarUnixSocket(), "unix:" + socket);
    }

    @AfterAll
    static void stop() throws IOException {
        if (envoys != null) {
            envoys.close();
        }
        if (sluice != null) {
            sluice.close();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socket.getParent());
    }

    /** A socket file that nobody listens on any more. */
    static void leaveStaleSocket(Path path) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
    }

    @Order(1)
    @Test
    void theTasksCurlReachesSluiceOverTheSocket() {
        throughEnvoyGateway(envoy).get("/myapp").then()
                .statusCode(200)
                .header("x-response-ext-processed", "true")
                .body("path", equalTo("/myapp"))
                .body("headers.X-Request-Ext-Processed", contains("true"));
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isZero();
        assertThat(envoy.counter("cluster." + EXT_PROC_CLUSTER + ".upstream_cx_total")).isPositive();
    }

    @Order(2)
    @Test
    void grpcHealthAnswersOnTheSocket() {
        try (GrpcTestChannel channel = GrpcTestChannel.unixSocket(socket)) {
            assertThat(channel.health("")).isEqualTo(ServingStatus.SERVING);
            assertThat(channel.health(GrpcTestChannel.EXT_PROC_SERVICE)).isEqualTo(ServingStatus.SERVING);
        }
    }

    /** In Envoy Gateway's pod Envoy runs as another user; connecting needs write permission on the socket. */
    @Order(3)
    @Test
    void otherUsersMayConnect() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw-rw-");
    }

    @Order(4)
    @Test
    void aSecondSluiceOnTheSameSocketFailsStartupNamingThePath() {
        assertThatThrownBy(() -> SluiceProcess.start("uds-second", List.of(), Map.of("sluice.uds.path", socket.toString())))
                .hasMessageContaining("sluice.uds.path=" + socket + ": another process is listening on this socket");
        // And the first one still serves.
        throughEnvoyGateway(envoy).get("/myapp").then().statusCode(200).header("x-response-ext-processed", "true");
    }

    @Order(5)
    @Test
    void stoppingSluiceRemovesTheSocket() {
        sluice.close();
        sluice = null;
        assertThat(socket).doesNotExist();
    }
}
