package io.sluice.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.protobuf.ByteString;

import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.PhaseName;
import io.sluice.stage.TrailersPhase;

/**
 * One stage's turn on one message: the phase object it sees, its headers (or trailers) and where its changes
 * started, in one object. Writes after the turn ended (a late callback of a timed-out Uni) fail instead of leaking
 * into another stage's turn or another message.
 */
public final class PhaseView implements HeadersPhase, BodyPhase, TrailersPhase, Headers {

    private final PhaseReply reply;
    private final String stage;
    private final ExchangeContext exchange;
    // Where the turn started, to roll back to when the stage fails open.
    private final int headerOps;
    private final int metadata;
    private final boolean clearRouteCache;
    private final ModeOverride modeOverride;
    private final ByteString chunk;

    PhaseView(PhaseReply reply, String stage, ExchangeContext exchange) {
        this.reply = reply;
        this.stage = stage;
        this.exchange = exchange;
        MutableHeaders headers = reply.headers();
        this.headerOps = headers == null ? 0 : headers.checkpoint();
        this.metadata = reply.metadataCount();
        this.clearRouteCache = reply.clearRouteCache;
        this.modeOverride = reply.modeOverride;
        this.chunk = reply.chunk;
    }

    public String stage() {
        return stage;
    }

    /** Keeps the stage's changes. */
    public void end() {
        reply.ended(this);
    }

    /** Undoes the stage's changes (fail-open) and ends the turn. */
    public void rollback() {
        end();
        if (reply.headers() != null) {
            reply.headers().rollback(headerOps);
        }
        reply.truncateMetadata(metadata);
        reply.clearRouteCache = clearRouteCache;
        reply.modeOverride = modeOverride;
        reply.chunk = chunk;
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
        reply.requireActive(this, "emit dynamic metadata");
        reply.addMetadata(entry);
    }

    @Override
    public Headers headers() {
        PhaseName.Kind kind = reply.phase().kind();
        if (kind == PhaseName.Kind.BODY && reply.headers() == null) {
            throw new IllegalStateException("headers() on " + reply.phase().wireName() + ": Envoy has already sent the "
                    + "headers on; only BUFFERED and BUFFERED_PARTIAL bodies come while Envoy still holds them");
        }
        if (kind == PhaseName.Kind.TRAILERS) {
            throw new IllegalStateException("headers() is not available on " + reply.phase().wireName() + "; use trailers()");
        }
        return this;
    }

    @Override
    public Headers trailers() {
        requireKind(PhaseName.Kind.TRAILERS, "trailers()");
        return this;
    }

    @Override
    public boolean endOfStream() {
        return reply.endOfStream();
    }

    @Override
    public boolean lastMessage() {
        requireKind(PhaseName.Kind.BODY, "lastMessage()");
        return reply.lastMessage();
    }

    @Override
    public void clearRouteCache() {
        requireKind(PhaseName.Kind.HEADERS, "clearRouteCache()");
        reply.requireActive(this, "clear the route cache");
        reply.clearRouteCache = true;
    }

    @Override
    public void overrideMode(ModeOverride override) {
        requireKind(PhaseName.Kind.HEADERS, "overrideMode()");
        Objects.requireNonNull(override, "override");
        reply.requireActive(this, "override the processing mode");
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
        reply.requireActive(this, "replace the body chunk");
        reply.chunk = replacement;
    }

    @Override
    public void clearChunk() {
        replaceChunk(ByteString.EMPTY);
    }

    private void requireKind(PhaseName.Kind kind, String method) {
        if (reply.phase().kind() != kind) {
            throw new IllegalStateException(method + " is not available on " + reply.phase().wireName());
        }
    }

    // The headers (or trailers) of the turn: reads pass through, writes check the turn first.

    @Override
    public Optional<String> get(String name) {
        return reply.headers().get(name);
    }

    @Override
    public List<String> all(String name) {
        return reply.headers().all(name);
    }

    @Override
    public Optional<ByteString> raw(String name) {
        return reply.headers().raw(name);
    }

    @Override
    public boolean contains(String name) {
        return reply.headers().contains(name);
    }

    @Override
    public Headers set(String name, String value) {
        reply.requireActive(this, "set header '" + name + "'");
        reply.headers().set(name, value);
        return this;
    }

    @Override
    public Headers append(String name, String value) {
        reply.requireActive(this, "append header '" + name + "'");
        reply.headers().append(name, value);
        return this;
    }

    @Override
    public Headers remove(String name) {
        reply.requireActive(this, "remove header '" + name + "'");
        reply.headers().remove(name);
        return this;
    }
}
