package io.sluice.lifecycle;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.grpc.Server;
import io.vertx.grpc.VertxServer;

/**
 * The grpc-java {@link Server} behind Quarkus' separate gRPC server ({@code quarkus.grpc.server.use-separate-server}).
 * Quarkus keeps it private and stops it in a Vert.x verticle with no drain at all, so Sluice reaches it the only way
 * it can: vertx-grpc's registry of running servers ({@code VertxServer.map}, one {@code ActualServer} per address,
 * whose {@code server} field is the grpc-java server). Checked by {@code QuarkusGrpcServersTest}, so a Quarkus or
 * vertx-grpc upgrade that moves these fields fails the build instead of the next rollout.
 */
final class QuarkusGrpcServers {

    private QuarkusGrpcServers() {
    }

    static List<Server> running() {
        try {
            Field registry = VertxServer.class.getDeclaredField("map");
            registry.setAccessible(true);
            List<Server> servers = new ArrayList<>();
            for (Object actual : ((Map<?, ?>) registry.get(null)).values()) {
                Field server = actual.getClass().getDeclaredField("server");
                server.setAccessible(true);
                servers.add((Server) server.get(actual));
            }
            return servers;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach the grpc-java server behind Quarkus' gRPC server "
                    + "(vertx-grpc's VertxServer.map / ActualServer.server changed?): " + e, e);
        }
    }
}
