package io.sluice.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;

import io.sluice.stage.Direction;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.Phase;
import io.sluice.stage.StagePolicy;

/**
 * One stage's turn on one message: the phase object it sees, its headers (or trailers) and where its changes
 * started, in one object. Each phase has its own subclass, offering what Envoy accepts in that phase's reply and
 * nothing else. Writes after the turn ended (a late callback of a timed-out Uni) fail instead of leaking into another
 * stage's turn or another message.
 */
public abstract sealed class PhaseView implements Phase, Headers permits HeadersView, BodyView, TrailersView {

    final PhaseReply reply;
    private final String stage;
    private final StagePolicy policy;
    private final ExchangeContext exchange;
    // Where the turn started, to roll back to when the stage fails open.
    private final int headerOps;
    private final int metadata;
    private final boolean clearRouteCache;
    private final ModeOverride modeOverride;
    private final ByteString chunk;

    PhaseView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        this.reply = reply;
        this.stage = stage;
        this.policy = policy;
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
    public Direction direction() {
        return reply.phase().direction();
    }

    @Override
    public StagePolicy policy() {
        return policy;
    }

    @Override
    public void emitMetadata(String namespace, String key, String value) {
        emit(namespace, key, Value.newBuilder().setStringValue(Objects.requireNonNull(value, "value")).build());
    }

    @Override
    public void emitMetadata(String namespace, String key, double value) {
        emit(namespace, key, Value.newBuilder().setNumberValue(value).build());
    }

    @Override
    public void emitMetadata(String namespace, String key, boolean value) {
        emit(namespace, key, Value.newBuilder().setBoolValue(value).build());
    }

    @Override
    public void emitMetadata(String namespace, String key, Value value) {
        emit(namespace, key, Objects.requireNonNull(value, "value"));
    }

    private void emit(String namespace, String key, Value value) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        reply.requireActive(this, "emit dynamic metadata");
        reply.addMetadata(new PhaseReply.MetadataEntry(namespace, key, value));
    }

    // The headers (or trailers) of the turn, for the phases that offer them: reads pass through, writes check the turn
    // first. A STREAMED body's view has none, and its type offers none.

    @Override
    public Optional<String> get(String name) {
        return map().get(name);
    }

    @Override
    public List<String> all(String name) {
        return map().all(name);
    }

    @Override
    public Optional<ByteString> raw(String name) {
        return map().raw(name);
    }

    @Override
    public boolean contains(String name) {
        return map().contains(name);
    }

    @Override
    public Headers set(String name, String value) {
        reply.requireActive(this, "set header '" + name + "'");
        map().set(name, value);
        return this;
    }

    @Override
    public Headers append(String name, String value) {
        reply.requireActive(this, "append header '" + name + "'");
        map().append(name, value);
        return this;
    }

    @Override
    public Headers remove(String name) {
        reply.requireActive(this, "remove header '" + name + "'");
        map().remove(name);
        return this;
    }

    private MutableHeaders map() {
        MutableHeaders headers = reply.headers();
        if (headers == null) {
            throw new IllegalStateException("stage '" + stage + "': " + reply.phase().wireName() + " carries no headers: "
                    + "Envoy has already sent them on");
        }
        return headers;
    }
}
