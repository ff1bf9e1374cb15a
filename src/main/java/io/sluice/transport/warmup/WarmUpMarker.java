package io.sluice.transport.warmup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Tells Sluice's own warm-up exchanges from Envoy's, out of band: the warm-up client sends a random secret, drawn once
 * per process and never logged, in the call's gRPC metadata; a call that carries it is marked in its gRPC
 * {@link Context} for the service method. The secret, not the header's presence, is what counts: a warm-up exchange
 * skips side calls (enrichment), so a forged mark must never let a request past them. Envoy sends no such metadata
 * unless its {@code grpc_service.initial_metadata} is configured to; even then, without the secret, nothing changes.
 */
@ApplicationScoped
public class WarmUpMarker implements ServerInterceptor {

    /** gRPC metadata key of the mark. */
    public static final String HEADER = "x-sluice-warm-up";

    /** True inside a call that carried this process's secret. */
    public static final Context.Key<Boolean> MARKED = Context.keyWithDefault("sluice-warm-up", Boolean.FALSE);

    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final String secret;
    private final byte[] secretBytes;

    public WarmUpMarker() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = HexFormat.of().formatHex(random);
        this.secretBytes = secret.getBytes(StandardCharsets.US_ASCII);
    }

    /** The metadata the warm-up client attaches to each of its calls. */
    public Metadata mark() {
        Metadata metadata = new Metadata();
        metadata.put(KEY, secret);
        return metadata;
    }

    /** Whether the call being served (its service method runs now) is one of the warm-up's. */
    public static boolean marked() {
        return MARKED.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String presented = headers.get(KEY);
        // Constant time, so that the comparison tells nothing about how much of a guess was right.
        if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII), secretBytes)) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(MARKED, Boolean.TRUE), call, headers, next);
    }
}
