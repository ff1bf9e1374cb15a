package io.sluice.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.common.annotation.Identifier;
import io.sluice.config.SluiceConfig;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicies;
import io.sluice.stage.StagePolicyKeys;

/**
 * Builds the named pipelines from configuration at start-up (failing start-up with the offending key when a
 * stage or pipeline is unknown) and picks one per exchange: by {@code xds.route_name} attribute, then by
 * authority, then by the longest path prefix, else the default.
 */
@Startup
@Singleton
public class PipelineRegistry implements PipelineSelector {

    @Inject
    SluiceConfig config;

    /** Every stage's policy keys, read by the name pipelines give the stage ({@link StagePolicies}). */
    @Inject
    StagePolicyKeys policies;

    @Inject
    @Any
    Instance<Stage> stageBeans;

    private Map<String, Pipeline> pipelines;
    private Pipeline defaultPipeline;
    private Map<String, Pipeline> byRouteName;
    private Map<String, Pipeline> byAuthority;
    private List<Map.Entry<String, Pipeline>> byPathPrefix;

    @PostConstruct
    void build() {
        Map<String, Stage> stages = discoverStages();
        pipelines = new LinkedHashMap<>();
        config.pipelines().forEach((name, definition) -> {
            String key = "sluice.pipelines." + name + ".stages";
            List<BoundStage> bound = new ArrayList<>();
            for (String stageName : definition.stages()) {
                String trimmed = stageName.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                Stage stage = stages.get(trimmed);
                if (stage == null) {
                    throw new ConfigurationException(key + ": unknown stage '" + trimmed + "'; known stages: "
                            + new TreeSet<>(stages.keySet()));
                }
                // Stages are application-scoped beans; calling them through their client proxy would cost a
                // context lookup on every hook of every message. They live as long as the application.
                Stage target = ClientProxy.unwrap(stage);
                bound.add(new BoundStage(trimmed, target, StagePolicies.of(policies, trimmed, name)));
            }
            if (bound.isEmpty()) {
                throw new ConfigurationException(key + " is empty: a pipeline needs at least one stage");
            }
            pipelines.put(name, new Pipeline(name, bound));
        });
        checkPolicyOverrides();
        SluiceConfig.Routing routing = config.routing();
        defaultPipeline = resolve("sluice.routing.default-pipeline", routing.defaultPipeline());
        byRouteName = resolveAll("sluice.routing.route-name", routing.byRouteName());
        byAuthority = resolveAll("sluice.routing.authority", routing.byAuthority());
        byPathPrefix = new ArrayList<>(resolveAll("sluice.routing.path-prefix", routing.byPathPrefix()).entrySet());
        byPathPrefix.sort(Comparator.comparingInt((Map.Entry<String, Pipeline> e) -> e.getKey().length()).reversed());
    }

    /** An override for a pipeline that does not exist would silently never apply. */
    private void checkPolicyOverrides() {
        Set<String> used = new TreeSet<>();
        pipelines.values().forEach(pipeline -> pipeline.stages().forEach(stage -> used.add(stage.name())));
        for (String stage : used) {
            for (String pipeline : StagePolicies.pipelinesOverriding(policies, stage)) {
                if (!pipelines.containsKey(pipeline)) {
                    throw new ConfigurationException("sluice.stage." + stage + ".pipeline-on-failure." + pipeline
                            + ": no pipeline named '" + pipeline + "'; pipelines: " + pipelines.keySet());
                }
            }
        }
    }

    @Override
    public Pipeline select(ExchangeContext exchange) {
        // A rule table that is empty is not consulted: reading the route, authority or path decodes a header or an
        // attribute, once per exchange, for nothing (1.4 % of a headers-only exchange's CPU with the default alone).
        if (!byRouteName.isEmpty()) {
            Optional<Pipeline> byRoute = exchange.attribute("xds.route_name").map(byRouteName::get);
            if (byRoute.isPresent()) {
                return byRoute.get();
            }
        }
        if (!byAuthority.isEmpty()) {
            Optional<Pipeline> byHost = exchange.authority().map(PipelineRegistry::withoutPort).map(byAuthority::get);
            if (byHost.isPresent()) {
                return byHost.get();
            }
        }
        Optional<String> path = byPathPrefix.isEmpty() ? Optional.empty() : exchange.path();
        if (path.isPresent()) {
            for (Map.Entry<String, Pipeline> e : byPathPrefix) {
                if (path.get().startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
        }
        return defaultPipeline;
    }

    /** Every configured pipeline, in configuration order. */
    public Collection<Pipeline> pipelines() {
        return Collections.unmodifiableCollection(pipelines.values());
    }

    private Map<String, Stage> discoverStages() {
        Map<String, Stage> stages = new LinkedHashMap<>();
        for (Instance.Handle<Stage> handle : stageBeans.handles()) {
            handle.getBean().getQualifiers().stream()
                    .filter(Identifier.class::isInstance)
                    .map(q -> ((Identifier) q).value())
                    .findFirst()
                    .ifPresent(name -> stages.put(name, handle.get()));
        }
        return stages;
    }

    private Pipeline resolve(String key, String pipelineName) {
        Pipeline pipeline = pipelines.get(pipelineName);
        if (pipeline == null) {
            throw new ConfigurationException(key + "=" + pipelineName + " names no pipeline; defined pipelines: "
                    + pipelines.keySet() + " (define sluice.pipelines." + pipelineName + ".stages)");
        }
        return pipeline;
    }

    private Map<String, Pipeline> resolveAll(String key, Map<String, String> rules) {
        Map<String, Pipeline> resolved = new LinkedHashMap<>();
        rules.forEach((match, pipelineName) -> resolved.put(match, resolve(key + ".\"" + match + "\"", pipelineName)));
        return resolved;
    }

    private static String withoutPort(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }
}
