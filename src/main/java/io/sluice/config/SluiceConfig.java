package io.sluice.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Sluice's own configuration: exchange limits, named pipelines and how an exchange picks one.
 * Stage-specific settings live in each stage's own mapping under {@code sluice.stage.<name>}.
 */
@ConfigMapping(prefix = "sluice")
public interface SluiceConfig {

    Exchange exchange();

    /** Named pipelines: {@code sluice.pipelines.<name>.stages=a,b,c}. */
    Map<String, PipelineDefinition> pipelines();

    Routing routing();

    Dev dev();

    interface Exchange {
        /**
         * Messages of one stream that Sluice has taken from gRPC but not yet answered. gRPC's own
         * flow-control window holds the rest, so a slow stage slows Envoy down instead of growing a queue.
         */
        @WithDefault("8")
        int maxInFlight();

        /**
         * Bytes of one stream's messages that Sluice has taken but not yet answered: with {@link #maxInFlight()}, what a
         * stream may hold on the heap. Envoy's chunks grow up to its buffer limit when it has been held back, so a count
         * alone would not bound it. A message larger than this is still taken, alone.
         */
        @WithDefault("65536")
        int maxInFlightBytes();

        /**
         * The largest ProcessingRequest Sluice takes, body included; a larger one ends its stream with
         * RESOURCE_EXHAUSTED naming this key. Keep it above Envoy's buffer limit (BUFFERED bodies come whole) and
         * below {@code quarkus.grpc.server.max-inbound-message-size}, beyond which gRPC resets the stream instead.
         */
        @WithDefault("8388608")
        int maxMessageBytes();

        /**
         * A FULL_DUPLEX_STREAMED body in progress with nothing from Envoy and nothing left to answer for this long
         * ends its stream with DEADLINE_EXCEEDED. Envoy runs no message timer in that mode, so without this a
         * stalled stream would hold its state until Envoy's stream idle timeout, if there is one.
         */
        @WithDefault("60s")
        java.time.Duration fullDuplexIdleTimeout();

        /**
         * The ext_proc filter's {@code message_timeout} (Envoy's default 200 ms; Envoy Gateway's {@code messageTimeout}).
         * A phase whose stages may take longer (see {@link #maxMessageTimeout()}) needs Envoy's timer extended.
         */
        @WithDefault("200ms")
        java.time.Duration envoyMessageTimeout();

        /**
         * The filter's {@code max_message_timeout}, when it is set: then, before running a phase whose stages' time
         * budgets add up to more than {@link #envoyMessageTimeout()}, Sluice sends {@code override_message_timeout}
         * (alone in its message, as Envoy requires) for that budget, capped here. Unset: Envoy allows no override.
         */
        Optional<java.time.Duration> maxMessageTimeout();
    }

    interface PipelineDefinition {
        /** Stage names in request order; response phases run them in reverse, as Envoy runs its filter chain. */
        List<String> stages();
    }

    interface Routing {
        /** The pipeline used when no rule below matches. */
        @WithDefault("default")
        String defaultPipeline();

        /** {@code xds.route_name} attribute (exact) to pipeline name. Checked first. */
        @WithName("route-name")
        Map<String, String> byRouteName();

        /** Request authority (exact, without port) to pipeline name. Checked second. */
        @WithName("authority")
        Map<String, String> byAuthority();

        /** Request path prefix to pipeline name; the longest prefix wins. Checked last. */
        @WithName("path-prefix")
        Map<String, String> byPathPrefix();
    }

    /** Only read in dev mode ({@code ./mvnw quarkus:dev}). */
    interface Dev {
        /** Port of the local demo Envoy that dev mode starts when an Envoy binary is available. */
        @WithDefault("10080")
        int envoyPort();
    }
}
