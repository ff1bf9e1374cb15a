package io.sluice.transport.uds;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The optional Unix domain socket listener, for Sluice as a sidecar of Envoy (off unless a path is set). */
@ConfigMapping(prefix = "sluice.uds")
public interface UdsConfig {

    String PATH = "sluice.uds.path";

    /**
     * Where to create the socket, e.g. {@code /var/run/sluice/ext-proc.sock} on a volume shared with Envoy. Its directory
     * must exist. Linux only (Netty's epoll transport).
     */
    Optional<Path> path();

    /**
     * POSIX permissions of the socket file. Connecting needs write permission, and in Envoy Gateway's pod Envoy runs as
     * another user than Sluice, so the default lets everyone who can reach the directory connect: the directory, a
     * pod-private volume, is the access boundary.
     */
    @WithDefault("rw-rw-rw-")
    String permissions();
}
