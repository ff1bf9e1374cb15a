package io.sluice.stage;

/** What every phase offers a stage: the exchange it belongs to, and dynamic metadata to emit. */
public interface Phase {

    ExchangeContext exchange();

    /**
     * Emits {@code key: value} under {@code namespace} in the reply's {@code dynamic_metadata}. Envoy keeps only
     * namespaces listed in its {@code metadata_options.receiving_namespaces}. Values: String, Number, Boolean.
     */
    void emitMetadata(String namespace, String key, Object value);
}
