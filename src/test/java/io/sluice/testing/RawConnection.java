package io.sluice.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A byte stream to Sluice for hand-written HTTP/2 ({@link RawHttp2}), over TCP or the Unix socket alike: reads that
 * wait longer than {@link #TIMEOUT} throw {@link SocketTimeoutException}, and a peer's reset is a
 * {@link SocketException}, as on a TCP {@link Socket}. The Unix socket has no {@code Socket} (and the JDK 17 streams of
 * {@code Channels} block a write behind a pending read), hence the selector-based streams.
 */
public final class RawConnection implements Closeable {

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Closeable resource;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Closeable resource, InputStream in, OutputStream out) {
        this.resource = resource;
        this.in = in;
        this.out = out;
    }

    public static RawConnection tcp(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return new RawConnection(socket, socket.getInputStream(), socket.getOutputStream());
    }

    public static RawConnection unix(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(path));
        channel.configureBlocking(false);
        Selector reads = Selector.open();
        Selector writes = Selector.open();
        channel.register(reads, SelectionKey.OP_READ);
        channel.register(writes, SelectionKey.OP_WRITE);
        Closeable all = () -> {
            try (channel; reads; writes) {
                // closed in reverse order
            }
        };
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (true) {
                    int n = translated(() -> channel.read(buffer));
                    if (n != 0) {
                        return n;
                    }
                    await(reads);
                }
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] { (byte) b }, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    translated(() -> channel.write(buffer));
                    if (buffer.hasRemaining()) {
                        await(writes);
                    }
                }
            }
        };
        return new RawConnection(all, in, out);
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }

    private static void await(Selector selector) throws IOException {
        selector.selectedKeys().clear();
        if (selector.select(TIMEOUT.toMillis()) == 0) {
            throw new SocketTimeoutException("nothing within " + TIMEOUT);
        }
    }

    private interface ChannelCall {
        int run() throws IOException;
    }

    /** A channel's failure as a TCP socket's: a reset peer is a {@link SocketException}. */
    private static int translated(ChannelCall call) throws SocketException {
        try {
            return call.run();
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }
}
