package io.sluice.transport;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's share of the {@link MessageBudget}: what its messages hold, and where gRPC's reading stands in them.
 * <p>
 * Two parties hold it: the connection ({@link HeldBytesFlowController}, on the event loop), which reserves a message's
 * bytes as gRPC starts reading it, and the exchange ({@link FlowControlledStream}), which gives them back as it answers.
 * Whatever is still reserved when the second of them is done (a stream reset mid-message, answers never sent) goes
 * back to the budget then.
 */
class StreamBytes {

    /** For a stream the connection does not account (it began before Sluice set the connection up). */
    static final StreamBytes NONE = new StreamBytes(0, null, null);

    /** gRPC's length-prefixed framing: a compressed flag and a 4-byte length before every message. */
    static final int PREFIX = 5;

    final int id;
    private final MessageBudget budget;
    private final HeldBytesFlowController connection;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicInteger parties = new AtomicInteger(1);
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    /** Whether an exchange gives back what it answers; if not, a message's bytes go back once gRPC has read it. */
    private volatile boolean answeredByExchange;
    /** Guarded by the budget's lock. */
    boolean waiting;

    // The rest is the connection's, on its event loop.
    /** Prefix bytes still to come of the message arriving now, and its length read so far. */
    private int prefixLeft = PREFIX;
    private int length;
    private long bodyLeft;
    /** Sizes (prefix included) of the messages whose prefix has arrived and whose reading has not begun. */
    private int[] arrived = new int[4];
    private int arrivedHead;
    private int arrivedCount;
    /** Bytes left of the message gRPC is reading now; 0 between messages. */
    long readingLeft;
    private int readingSize;
    /** Bytes gRPC has read that the window has not been given back for: the stream waits for room. */
    int unreturned;
    /** Padding received: given back without touching the budget. */
    int padding;

    StreamBytes(int id, MessageBudget budget, HeldBytesFlowController connection) {
        this.id = id;
        this.budget = budget;
        this.connection = connection;
    }

    /** Follows the framing through a DATA frame's payload, noting each message's size as its prefix completes. */
    void arrived(io.netty.buffer.ByteBuf data, int paddingBytes) {
        padding += paddingBytes;
        int index = data.readerIndex();
        int end = data.writerIndex();
        while (index < end) {
            if (prefixLeft > 0) {
                int b = data.getUnsignedByte(index++);
                // The first prefix byte is the compressed flag; the next four are the length, big-endian.
                if (prefixLeft <= 4) {
                    length = (length << 8) | b;
                }
                if (--prefixLeft == 0) {
                    noteArrived(PREFIX + (length & 0xFFFFFFFFL));
                    bodyLeft = length & 0xFFFFFFFFL;
                    length = 0;
                    if (bodyLeft == 0) {
                        prefixLeft = PREFIX;
                    }
                }
            } else {
                long skip = Math.min(bodyLeft, end - index);
                index += (int) skip;
                bodyLeft -= skip;
                if (bodyLeft == 0) {
                    prefixLeft = PREFIX;
                }
            }
        }
    }

    private void noteArrived(long size) {
        if (arrivedCount == arrived.length) {
            int[] grown = new int[arrived.length * 2];
            for (int i = 0; i < arrivedCount; i++) {
                grown[i] = arrived[(arrivedHead + i) % arrived.length];
            }
            arrived = grown;
            arrivedHead = 0;
        }
        // gRPC refuses messages over its maximum (16 MiB here) before they could matter; clamp for the budget's int.
        arrived[(arrivedHead + arrivedCount) % arrived.length] = (int) Math.min(size, Integer.MAX_VALUE);
        arrivedCount++;
    }

    /** The size of the next message whose reading has not begun, or -1 when its prefix has not arrived. */
    int nextArrived() {
        return arrivedCount == 0 ? -1 : arrived[arrivedHead];
    }

    /** Reserves the next message's bytes; false when the stream must wait for room (it is then queued). */
    boolean reserveNext() {
        int size = arrived[arrivedHead];
        if (!budget.reserve(this, size)) {
            return false;
        }
        reserved.addAndGet(size);
        arrivedHead = (arrivedHead + 1) % arrived.length;
        arrivedCount--;
        readingLeft = size;
        readingSize = size;
        return true;
    }

    /** gRPC has read {@code bytes} more of the message it is reading (at most {@link #readingLeft}). */
    void read(int bytes) {
        readingLeft -= bytes;
        if (readingLeft == 0 && !answeredByExchange) {
            // No exchange will answer for it (a refused stream, or one Sluice could not link): it is out of the window.
            answered(readingSize - PREFIX);
        }
    }

    /** Called by the budget when there may be room: the connection looks again on its event loop. */
    void wake() {
        if (wakeScheduled.compareAndSet(false, true)) {
            connection.resume(this);
        }
    }

    void woken() {
        wakeScheduled.set(false);
    }

    /** The exchange takes part: it will give back what it answers. False when the stream is already gone. */
    boolean attach() {
        if (budget == null) {
            return false;
        }
        int n;
        do {
            n = parties.get();
            if (n == 0) {
                return false;
            }
        } while (!parties.compareAndSet(n, n + 1));
        answeredByExchange = true;
        return true;
    }

    /** The exchange answered a message of {@code serializedSize} bytes: its reservation goes back to the budget. */
    void answered(int serializedSize) {
        if (budget == null) {
            return;
        }
        long want = PREFIX + (long) serializedSize;
        long r;
        long give;
        do {
            r = reserved.get();
            give = Math.min(r, want);
            if (give <= 0) {
                return;
            }
        } while (!reserved.compareAndSet(r, r - give));
        budget.release(give);
    }

    /** The exchange ended (or was refused): what gRPC still reads goes back as it is read. */
    void done() {
        if (budget != null) {
            answeredByExchange = false;
            partyDone();
        }
    }

    /** One party is done with the stream; the second gives back whatever is still reserved. */
    private void partyDone() {
        if (parties.decrementAndGet() == 0) {
            budget.release(reserved.getAndSet(0));
        }
    }

    /** The stream closed: it can read no more, so it gives up its place in the queue. */
    void closed() {
        if (budget != null) {
            budget.forget(this);
            partyDone();
        }
    }
}
