package io.sluice.exchange;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.observed;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestTrailers;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseTrailers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;

/**
 * Writes {@link ExchangeFuzzTest}'s seeds: legal exchanges in every body mode, framed as the fuzz test reads them.
 * Run it after changing the framing: {@code java -cp <test classpath> io.sluice.exchange.ExchangeFuzzSeeds}.
 */
public final class ExchangeFuzzSeeds {

    static final Path DIR = Path.of("src/test/resources/io/sluice/exchange/ExchangeFuzzTestInputs/"
            + "anySequenceEndsInRepliesOrANamedError");

    public static void main(String[] args) throws IOException {
        Map<String, List<ProcessingRequest>> seeds = Map.of(
                "headers-only", List.of(requestHeaders(true), responseHeaders(true)),
                "streamed", List.of(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.STREAMED),
                        requestBody("ab", false), requestBody("cd", true), responseHeaders(false),
                        responseBody("ef", true)),
                "buffered-trailers", List.of(first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.NONE),
                        requestBody("whole", false), requestTrailers("x-t", "1"), responseHeaders(false),
                        responseTrailers("x-u", "2")),
                "full-duplex", List.of(first(requestHeaders(false), BodySendMode.FULL_DUPLEX_STREAMED, BodySendMode.NONE),
                        requestBody("a", false), requestBody("b", false), requestTrailers("x-t", "1")),
                "observed", List.of(observed(requestHeaders(true)), observed(responseHeaders(true))));
        Files.createDirectories(DIR);
        for (Map.Entry<String, List<ProcessingRequest>> seed : seeds.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ProcessingRequest message : seed.getValue()) {
                byte[] bytes = message.toByteArray();
                out.write(bytes.length >>> 8);
                out.write(bytes.length);
                out.write(bytes);
            }
            Files.write(DIR.resolve(seed.getKey()), out.toByteArray());
        }
    }
}
