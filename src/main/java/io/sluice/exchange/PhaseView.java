package io.sluice.exchange;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.protobuf.ByteString;

import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.TrailersPhase;

/**
 * The phase object one stage sees during its turn. Writes after the turn ended (a late callback of a timed-out
 * Uni) fail instead of leaking into another stage's turn or another message.
 */
public final class PhaseView implements HeadersPhase, BodyPhase, TrailersPhase {

    private final ExchangeContext exchange;
    private final PhaseReply.Turn turn;
    private final PhaseReply reply;
    private final GuardedHeaders guardedHeaders;

    public PhaseView(ExchangeContext exchange, PhaseReply.Turn turn) {
        this.exchange = exchange;
        this.turn = turn;
        this.reply = turn.reply();
        this.guardedHeaders = reply.headers == null ? null : new GuardedHeaders();
    }

    @Override
    public ExchangeContext exchange() {
        return exchange;
    }

    @Override
    public void emitMetadata(String namespace, String key, Object value) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        PhaseReply.MetadataEntry entry = new PhaseReply.MetadataEntry(namespace, key, PhaseReply.toValue(value));
        reply.requireActive(turn, "emit dynamic metadata");
        reply.metadata.add(entry);
    }

    @Override
    public Headers headers() {
        if (reply.phase.kind() == PhaseName.Kind.BODY && guardedHeaders == null) {
            throw new IllegalStateException("headers() on " + reply.phase.wireName() + ": Envoy has already sent the "
                    + "headers on; only BUFFERED and BUFFERED_PARTIAL bodies come while Envoy still holds them");
        }
        if (reply.phase.kind() == PhaseName.Kind.TRAILERS) {
            throw new IllegalStateException("headers() is not available on " + reply.phase.wireName() + "; use trailers()");
        }
        return guardedHeaders;
    }

    @Override
    public Headers trailers() {
        requireKind(PhaseName.Kind.TRAILERS, "trailers()");
        return guardedHeaders;
    }

    @Override
    public boolean endOfStream() {
        return reply.endOfStream;
    }

    @Override
    public boolean lastMessage() {
        requireKind(PhaseName.Kind.BODY, "lastMessage()");
        return reply.lastMessage;
    }

    @Override
    public void clearRouteCache() {
        requireKind(PhaseName.Kind.HEADERS, "clearRouteCache()");
        reply.requireActive(turn, "clear the route cache");
        reply.clearRouteCache = true;
    }

    @Override
    public void overrideMode(ModeOverride override) {
        requireKind(PhaseName.Kind.HEADERS, "overrideMode()");
        Objects.requireNonNull(override, "override");
        reply.requireActive(turn, "override the processing mode");
        reply.modeOverride = reply.modeOverride == null ? override : reply.modeOverride.mergedWith(override);
    }

    @Override
    public ByteString chunk() {
        requireKind(PhaseName.Kind.BODY, "chunk()");
        return reply.chunk;
    }

    @Override
    public void replaceChunk(ByteString replacement) {
        requireKind(PhaseName.Kind.BODY, "replaceChunk()");
        Objects.requireNonNull(replacement, "replacement");
        reply.requireActive(turn, "replace the body chunk");
        reply.chunk = replacement;
    }

    @Override
    public void clearChunk() {
        replaceChunk(ByteString.EMPTY);
    }

    private void requireKind(PhaseName.Kind kind, String method) {
        if (reply.phase.kind() != kind) {
            throw new IllegalStateException(method + " is not available on " + reply.phase.wireName());
        }
    }

    /** Reads pass through; writes check the turn first. */
    private final class GuardedHeaders implements Headers {
        @Override
        public Optional<String> get(String name) {
            return reply.headers.get(name);
        }

        @Override
        public List<String> all(String name) {
            return reply.headers.all(name);
        }

        @Override
        public Optional<ByteString> raw(String name) {
            return reply.headers.raw(name);
        }

        @Override
        public boolean contains(String name) {
            return reply.headers.contains(name);
        }

        @Override
        public Headers set(String name, String value) {
            reply.requireActive(turn, "set header '" + name + "'");
            reply.headers.set(name, value);
            return this;
        }

        @Override
        public Headers append(String name, String value) {
            reply.requireActive(turn, "append header '" + name + "'");
            reply.headers.append(name, value);
            return this;
        }

        @Override
        public Headers remove(String name) {
            reply.requireActive(turn, "remove header '" + name + "'");
            reply.headers.remove(name);
            return this;
        }
    }
}
