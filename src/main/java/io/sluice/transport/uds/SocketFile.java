package io.sluice.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The socket file before Sluice binds it. A file left by a Sluice that was killed would make the bind fail with
 * "address in use" forever; a socket that still answers belongs to a running process and must not be taken over.
 */
final class SocketFile {

    private static final int SOCKET_TYPE = 0140000;
    private static final int TYPE_MASK = 0170000;

    private SocketFile() {
    }

    /** Removes a stale socket at {@code path}; refuses a live one or anything that is not a socket. */
    static void clearStale(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": a file that is not a socket is in the way");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": another process is listening on this socket");
        } catch (IOException refused) {
            // Nobody listens: the file is left over from an earlier run.
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": cannot remove the stale socket (" + e + ")", e);
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & TYPE_MASK) == SOCKET_TYPE;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
