package io.sluice.stage;

/**
 * A body message that comes while Envoy still holds the headers (BUFFERED and BUFFERED_PARTIAL modes): the body
 * reply's header mutation is applied to them. In STREAMED and FULL_DUPLEX_STREAMED modes Envoy has sent them on, and
 * the body phase is a plain {@link BodyPhase}.
 */
public interface BufferedBodyPhase extends BodyPhase {

    /**
     * The message's headers as the headers phase left them, changeable. In BUFFERED mode Sluice keeps
     * {@code content-length} right when a stage changes the body.
     */
    Headers headers();
}
