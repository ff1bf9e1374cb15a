package io.sluice.stages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.ByteString;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.CarryOver;
import io.sluice.stage.Direction;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;

/**
 * Literal and regex replacement in text bodies as they stream, correct across chunk boundaries, holding back
 * only a bounded tail between chunks. Gated by content type; in BUFFERED mode Sluice fixes content-length.
 */
@ApplicationScoped
@Identifier("text-replace")
public class TextReplaceStage implements Stage {

    /** One chain of rewriters per direction of an exchange whose content type qualifies. */
    private static final ExchangeContext.Key<Rewriters> REQUEST = ExchangeContext.Key.of("text-replace.request", Rewriters.class);
    private static final ExchangeContext.Key<Rewriters> RESPONSE = ExchangeContext.Key.of("text-replace.response", Rewriters.class);

    private final TextReplaceConfig config;
    private final List<TextRewrite> rules;

    public TextReplaceStage(TextReplaceConfig config) {
        this.config = config;
        this.rules = config.rules().stream().map(r -> TextRewrite.of(r, config.maxMatchBytes())).toList();
    }

    @Override
    public Uni<Outcome> onHeaders(HeadersPhase phase) {
        String type = phase.headers().get("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean text = config.contentTypes().stream().anyMatch(p -> type.startsWith(p.toLowerCase(Locale.ROOT)));
        if (text && config.directions().contains(phase.direction()) && !rules.isEmpty()) {
            phase.exchange().put(rewriters(phase.direction()), new Rewriters(rules));
        }
        return Outcome.proceed();
    }

    @Override
    public Uni<Outcome> onBody(BodyPhase phase) {
        phase.exchange().get(rewriters(phase.direction()))
                .ifPresent(rewriters -> phase.replaceChunk(rewriters.push(phase.chunk(), phase.lastMessage())));
        return Outcome.proceed();
    }

    private static ExchangeContext.Key<Rewriters> rewriters(Direction direction) {
        return direction == Direction.REQUEST ? REQUEST : RESPONSE;
    }

    /** The rules in order, each with its own carry-over: the output of one is the input of the next. */
    static final class Rewriters {
        private final List<TextRewrite> rules;
        private final List<CarryOver> carries = new ArrayList<>();

        Rewriters(List<TextRewrite> rules) {
            this.rules = rules;
            rules.forEach(r -> carries.add(new CarryOver(r.window())));
        }

        ByteString push(ByteString chunk, boolean last) {
            ByteString data = chunk;
            for (int i = 0; i < rules.size(); i++) {
                data = carries.get(i).push(data, last, rules.get(i));
            }
            return data;
        }
    }
}
