package io.sluice.perf;

import java.util.List;
import java.util.Map;

/**
 * One "body mode" of the end-to-end run: what the client sends and which processing mode Envoy's ext_proc filter
 * uses. Header modes are always SEND: that is what Envoy Gateway configures and what the default pipeline acts on.
 */
record E2eWorkload(String name, String path, boolean post, String bodyMode) {

    /** Small enough to stay one chunk everywhere (Envoy, h2c frames, the echo upstream), as most API bodies are. */
    static final int BODY_BYTES = 4 * 1024;

    static final String HEADERS_ONLY = "headers-only";

    /** Headers-only first: it carries the throughput target; the POSTs send and receive a body in the mode named. */
    static List<E2eWorkload> all() {
        String download = "/myapp?bytes=" + BODY_BYTES + "&chunk=" + BODY_BYTES;
        return List.of(
                new E2eWorkload(HEADERS_ONLY, "/myapp", false, "NONE"),
                new E2eWorkload("streamed", download, true, "STREAMED"),
                new E2eWorkload("buffered", download, true, "BUFFERED"),
                new E2eWorkload("full-duplex", download, true, "FULL_DUPLEX_STREAMED"));
    }

    /** Placeholders of {@code envoy/perf-ext-proc.yaml}. */
    Map<String, String> envoyModes() {
        // Envoy 1.40 rejects FULL_DUPLEX_STREAMED unless the same direction also sends its trailers.
        String trailers = bodyMode.equals("FULL_DUPLEX_STREAMED") ? "SEND" : "SKIP";
        return Map.of("REQUEST_BODY_MODE", bodyMode, "RESPONSE_BODY_MODE", bodyMode,
                "REQUEST_TRAILER_MODE", trailers, "RESPONSE_TRAILER_MODE", trailers);
    }

    /** "GET, JSON echo back" or "POST 4 KiB, 4 KiB back" for the report. */
    String describe() {
        return post ? "POST " + BODY_BYTES / 1024 + " KiB, " + BODY_BYTES / 1024 + " KiB back" : "GET, JSON echo back";
    }
}
