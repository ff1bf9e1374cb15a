package io.sluice.stages;

import java.io.IOException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.Direction;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;

/**
 * Masks named fields in JSON bodies. A body streamed in chunks is held (each early chunk is answered empty) and
 * the whole redacted document goes out with the last chunk; a BUFFERED body comes whole, and Sluice fixes its
 * content-length. A body that is not JSON passes unchanged, with one warning.
 */
@ApplicationScoped
@Identifier("json-redact")
public class JsonRedactStage implements Stage {

    private static final Logger LOG = Logger.getLogger(JsonRedactStage.class);
    private static final ExchangeContext.Key<Held> REQUEST = ExchangeContext.Key.of("json-redact.request", Held.class);
    private static final ExchangeContext.Key<Held> RESPONSE = ExchangeContext.Key.of("json-redact.response", Held.class);

    private final JsonRedactConfig config;
    private final JsonRedaction redaction;

    public JsonRedactStage(JsonRedactConfig config) {
        this.config = config;
        this.redaction = new JsonRedaction(config.fields(), config.mask());
    }

    @Override
    public Uni<Outcome> onHeaders(HeadersPhase phase) {
        String type = phase.headers().get("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean json = type.startsWith("application/json") || type.contains("+json");
        if (json && config.directions().contains(phase.direction())) {
            phase.exchange().put(held(phase.direction()), new Held());
        }
        return Outcome.proceed();
    }

    @Override
    public Uni<Outcome> onBody(BodyPhase phase) {
        return redact(phase, held(phase.direction()), phase.direction() == Direction.REQUEST ? 413 : 502);
    }

    private static ExchangeContext.Key<Held> held(Direction direction) {
        return direction == Direction.REQUEST ? REQUEST : RESPONSE;
    }

    private Uni<Outcome> redact(BodyPhase phase, ExchangeContext.Key<Held> key, int tooLargeStatus) {
        Held held = phase.exchange().get(key).orElse(null);
        if (held == null) {
            return Outcome.proceed();
        }
        if (held.body.size() + phase.chunk().size() > config.maxBodyBytes()) {
            return Outcome.respond(ImmediateReply.status(tooLargeStatus).header("content-type", "text/plain")
                    .body("JSON body over " + config.maxBodyBytes() + " bytes cannot be redacted\n")
                    .details("sluice_json_redact_body_too_large").build());
        }
        held.body = held.body.concat(phase.chunk());
        if (!phase.lastMessage()) {
            phase.clearChunk();
            return Outcome.proceed();
        }
        phase.exchange().put(key, null);
        try {
            phase.replaceChunk(ByteString.copyFrom(redaction.redact(held.body.toByteArray())));
        } catch (IOException notJson) {
            LOG.warnf("[%s] body declared JSON is not: %s; passed unchanged", phase.exchange().id(), notJson.getMessage());
            phase.replaceChunk(held.body);
        }
        return Outcome.proceed();
    }

    /** The chunks seen so far, joined without copying (a rope); copied once, at the end, for the parser. */
    static final class Held {
        ByteString body = ByteString.EMPTY;
    }
}
