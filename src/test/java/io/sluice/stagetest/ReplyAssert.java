package io.sluice.stagetest;

import java.util.Objects;

import com.google.protobuf.TextFormat;
import com.google.protobuf.Value;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/**
 * Checks on one ProcessingResponse in Envoy's terms, chained: {@code assertReply(reply).setsHeader("x-a", "1")
 * .emitsMetadata("ns", "k", "v")}. A failed check throws an {@link AssertionError} that shows the whole reply. Needs
 * no assertion library.
 */
public final class ReplyAssert {

    private final ProcessingResponse reply;

    private ReplyAssert(ProcessingResponse reply) {
        this.reply = Objects.requireNonNull(reply, "reply");
    }

    public static ReplyAssert assertReply(ProcessingResponse reply) {
        return new ReplyAssert(reply);
    }

    /** The message continues (a headers, body or trailers reply), no immediate response. */
    public ReplyAssert continues() {
        check(reply.getResponseCase() != ProcessingResponse.ResponseCase.IMMEDIATE_RESPONSE
                && reply.getResponseCase() != ProcessingResponse.ResponseCase.RESPONSE_NOT_SET, "to continue");
        return this;
    }

    /** Replaces every value of {@code name} with {@code value} (Envoy's {@code append: false}). */
    public ReplyAssert setsHeader(String name, String value) {
        check(sets(name, value, false), "to set header " + name + ": " + value);
        return this;
    }

    /** Sets {@code name} to some value, whichever it is. */
    public ReplyAssert setsHeader(String name) {
        check(headerMutation().getSetHeadersList().stream().anyMatch(h -> h.getHeader().getKey().equals(name)),
                "to set header " + name);
        return this;
    }

    /** Adds {@code value} to the values of {@code name} (Envoy's {@code append: true}). */
    public ReplyAssert appendsHeader(String name, String value) {
        check(sets(name, value, true), "to append header " + name + ": " + value);
        return this;
    }

    public ReplyAssert removesHeader(String name) {
        check(headerMutation().getRemoveHeadersList().contains(name), "to remove header " + name);
        return this;
    }

    /** Neither sets, appends nor removes {@code name}. */
    public ReplyAssert leavesHeader(String name) {
        HeaderMutation mutation = headerMutation();
        check(mutation.getSetHeadersList().stream().noneMatch(h -> h.getHeader().getKey().equals(name))
                && !mutation.getRemoveHeadersList().contains(name), "to leave header " + name + " alone");
        return this;
    }

    public ReplyAssert emitsMetadata(String namespace, String key, String value) {
        return emitsMetadata(namespace, key, Value.newBuilder().setStringValue(value).build());
    }

    public ReplyAssert emitsMetadata(String namespace, String key, double value) {
        return emitsMetadata(namespace, key, Value.newBuilder().setNumberValue(value).build());
    }

    public ReplyAssert emitsMetadata(String namespace, String key, boolean value) {
        return emitsMetadata(namespace, key, Value.newBuilder().setBoolValue(value).build());
    }

    public ReplyAssert emitsMetadata(String namespace, String key, Value value) {
        Value ns = reply.getDynamicMetadata().getFieldsOrDefault(namespace, null);
        check(ns != null && value.equals(ns.getStructValue().getFieldsOrDefault(key, null)),
                "to emit dynamic metadata " + namespace + "/" + key + ": " + TextFormat.shortDebugString(value));
        return this;
    }

    public ReplyAssert emitsNoMetadata() {
        check(!reply.hasDynamicMetadata() || reply.getDynamicMetadata().getFieldsCount() == 0, "to emit no dynamic metadata");
        return this;
    }

    /** Answers the client at once with this HTTP status ({@code immediate_response}). */
    public ReplyAssert respondsWith(int status) {
        check(reply.hasImmediateResponse() && reply.getImmediateResponse().getStatus().getCodeValue() == status,
                "to be an immediate response " + status);
        return this;
    }

    public ReplyAssert withBody(String body) {
        check(immediate().getBody().toStringUtf8().equals(body), "an immediate response body of '" + body + "'");
        return this;
    }

    /** Envoy's {@code %RESPONSE_CODE_DETAILS%}. */
    public ReplyAssert withDetails(String details) {
        check(immediate().getDetails().equals(details), "immediate response details '" + details + "'");
        return this;
    }

    public ReplyAssert withHeader(String name, String value) {
        check(immediate().getHeaders().getSetHeadersList().stream().anyMatch(h -> matches(h, name, value)),
                "an immediate response header " + name + ": " + value);
        return this;
    }

    public ReplyAssert replacesBodyWith(String body) {
        BodyMutation mutation = common().getBodyMutation();
        check(mutation.hasBody() && mutation.getBody().toStringUtf8().equals(body)
                || mutation.hasStreamedResponse() && mutation.getStreamedResponse().getBody().toStringUtf8().equals(body),
                "to replace the body with '" + body + "'");
        return this;
    }

    public ReplyAssert clearsBody() {
        check(common().getBodyMutation().getClearBody(), "to clear the body");
        return this;
    }

    public ReplyAssert leavesBody() {
        check(!common().hasBodyMutation(), "to leave the body alone");
        return this;
    }

    public ReplyAssert clearsRouteCache() {
        check(common().getClearRouteCache(), "to clear the route cache");
        return this;
    }

    public ReplyAssert overridesRequestBodyMode(BodySendMode mode) {
        check(reply.hasModeOverride() && reply.getModeOverride().getRequestBodyMode() == mode,
                "to override the request body mode to " + mode);
        return this;
    }

    public ReplyAssert overridesResponseBodyMode(BodySendMode mode) {
        check(reply.hasModeOverride() && reply.getModeOverride().getResponseBodyMode() == mode,
                "to override the response body mode to " + mode);
        return this;
    }

    public ReplyAssert overridesResponseHeaderMode(HeaderSendMode mode) {
        check(reply.hasModeOverride() && reply.getModeOverride().getResponseHeaderMode() == mode,
                "to override the response header mode to " + mode);
        return this;
    }

    public ReplyAssert overridesTrailerModes(HeaderSendMode request, HeaderSendMode response) {
        ProcessingMode modes = reply.getModeOverride();
        check(reply.hasModeOverride() && modes.getRequestTrailerMode() == request && modes.getResponseTrailerMode() == response,
                "to override the trailer modes to " + request + " / " + response);
        return this;
    }

    public ReplyAssert overridesNoMode() {
        check(!reply.hasModeOverride(), "to override no processing mode");
        return this;
    }

    private boolean sets(String name, String value, boolean append) {
        return headerMutation().getSetHeadersList().stream()
                .anyMatch(h -> matches(h, name, value) && h.getAppend().getValue() == append);
    }

    private static boolean matches(HeaderValueOption option, String name, String value) {
        return option.getHeader().getKey().equals(name) && option.getHeader().getRawValue().toStringUtf8().equals(value);
    }

    /** The header (or trailer) mutation of whichever phase this reply answers. */
    private HeaderMutation headerMutation() {
        return switch (reply.getResponseCase()) {
            case REQUEST_TRAILERS -> reply.getRequestTrailers().getHeaderMutation();
            case RESPONSE_TRAILERS -> reply.getResponseTrailers().getHeaderMutation();
            default -> common().getHeaderMutation();
        };
    }

    private CommonResponse common() {
        return switch (reply.getResponseCase()) {
            case REQUEST_HEADERS -> reply.getRequestHeaders().getResponse();
            case RESPONSE_HEADERS -> reply.getResponseHeaders().getResponse();
            case REQUEST_BODY -> reply.getRequestBody().getResponse();
            case RESPONSE_BODY -> reply.getResponseBody().getResponse();
            default -> CommonResponse.getDefaultInstance();
        };
    }

    private ImmediateResponse immediate() {
        check(reply.hasImmediateResponse(), "to be an immediate response");
        return reply.getImmediateResponse();
    }

    private void check(boolean holds, String expected) {
        if (!holds) {
            throw new AssertionError("expected the reply " + expected + ", got: " + TextFormat.shortDebugString(reply));
        }
    }
}
