package io.sluice.stage;

import io.smallrye.mutiny.Uni;

/**
 * What a stage decided for one message: let it continue to the next stage, or answer the client at once.
 * Mutations a stage made through its phase object travel with {@link #proceed()}.
 */
public sealed interface Outcome permits Outcome.Continue, ImmediateReply {

    /** Continue with the next stage; the phase's mutations are kept. */
    static Uni<Outcome> proceed() {
        return Continue.UNI;
    }

    /** Stop the pipeline and send an immediate response instead of forwarding the message. */
    static Uni<Outcome> respond(ImmediateReply reply) {
        return new ResolvedOutcome(java.util.Objects.requireNonNull(reply, "reply"));
    }

    final class Continue implements Outcome {
        public static final Continue INSTANCE = new Continue();
        private static final Uni<Outcome> UNI = new ResolvedOutcome(INSTANCE);

        private Continue() {
        }

        @Override
        public String toString() {
            return "continue";
        }
    }
}
