package io.sluice.stages;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code sluice.stage.deny.*}: which requests the deny stage answers itself, and with what. */
@ConfigMapping(prefix = "sluice.stage.deny")
public interface DenyConfig {

    /** Deny only requests whose path starts with one of these; unset denies every request the pipeline sees. */
    Optional<List<String>> pathPrefixes();

    @WithDefault("403")
    int status();

    @WithDefault("Forbidden by Sluice\n")
    String body();

    /** Headers of the immediate response, e.g. {@code sluice.stage.deny.headers.content-type=text/plain}. */
    Map<String, String> headers();

    @WithDefault("sluice_denied")
    String details();

    /** For gRPC clients: the {@code grpc-status} Envoy answers with. */
    OptionalInt grpcStatus();
}
