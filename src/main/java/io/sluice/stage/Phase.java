package io.sluice.stage;

import com.google.protobuf.Value;

/**
 * What every phase offers a stage: the exchange it belongs to, the direction it travels, and dynamic metadata to
 * emit. Envoy keeps only the namespaces listed in its {@code metadata_options.receiving_namespaces}; a value
 * emitted twice under the same namespace and key is the last one.
 */
public interface Phase {

    ExchangeContext exchange();

    /** The path this message travels: lets one hook for both directions ({@link Stage#onHeaders}...) tell them apart. */
    Direction direction();

    /**
     * The policy this stage runs under in this exchange's pipeline, as bound from {@code sluice.stage.<name>.*}: for a
     * stage that recovers from its own failures (a side service down) the way the operator asked.
     */
    StagePolicy policy();

    void emitMetadata(String namespace, String key, String value);

    /** Dynamic metadata numbers are doubles on the wire, as in JSON. */
    void emitMetadata(String namespace, String key, double value);

    void emitMetadata(String namespace, String key, boolean value);

    /** Any other value: a {@code Struct} ({@code Value.newBuilder().setStructValue(...)}), a list, a null. */
    void emitMetadata(String namespace, String key, Value value);
}
