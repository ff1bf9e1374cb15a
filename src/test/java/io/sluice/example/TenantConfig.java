package io.sluice.example;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.sluice.stage.StagePolicy;

/** {@code sluice.stage.tenant.*}: typed config; StagePolicy adds timeout, on-failure and failure-status. */
@ConfigMapping(prefix = "sluice.stage.tenant")
public interface TenantConfig extends StagePolicy {

    /** Tenants allowed through, e.g. {@code sluice.stage.tenant.allowed=acme,globex}. */
    Set<String> allowed();
}
