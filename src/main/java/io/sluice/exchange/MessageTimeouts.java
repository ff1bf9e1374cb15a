package io.sluice.exchange;

import java.time.Duration;
import java.util.Optional;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/**
 * Envoy's per-message timer as the filter configures it, and when Sluice must ask for more time: only when a phase's
 * stages may take longer than {@code message_timeout} and the filter allows overrides ({@code max_message_timeout}).
 *
 * @param envoy the filter's {@code message_timeout}
 * @param max the filter's {@code max_message_timeout}; empty when overrides are not allowed
 */
public record MessageTimeouts(Duration envoy, Optional<Duration> max) {

    /** Envoy's defaults: 200 ms, no override. */
    public static final MessageTimeouts ENVOY_DEFAULT = new MessageTimeouts(Duration.ofMillis(200), Optional.empty());

    /** Room for the transport and Envoy itself on top of the stages' budget. */
    static final Duration MARGIN = Duration.ofMillis(50);

    /**
     * The {@code override_message_timeout} message to send before running stages with this budget, if one is needed
     * and allowed, else null. It carries nothing else: Envoy ignores every other field of such a message.
     */
    ProcessingResponse overrideFor(Duration budget) {
        if (max.isEmpty() || budget.compareTo(envoy) <= 0) {
            return null;
        }
        Duration wanted = budget.plus(MARGIN);
        Duration granted = wanted.compareTo(max.get()) > 0 ? max.get() : wanted;
        return ProcessingResponse.newBuilder()
                .setOverrideMessageTimeout(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(granted.getSeconds()).setNanos(granted.getNano())).build();
    }
}
