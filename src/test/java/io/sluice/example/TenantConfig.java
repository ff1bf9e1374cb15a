package io.sluice.example;

import java.util.Set;

import io.smallrye.config.ConfigMapping;

/** {@code sluice.stage.tenant.*}: typed config (timeout, on-failure and failure-status are Sluice's). */
@ConfigMapping(prefix = "sluice.stage.tenant")
public interface TenantConfig {

    /** Tenants allowed through, e.g. {@code sluice.stage.tenant.allowed=acme,globex}. */
    Set<String> allowed();
}
