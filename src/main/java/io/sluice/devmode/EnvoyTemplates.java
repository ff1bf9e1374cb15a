package io.sluice.devmode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy bootstrap templates on the classpath with {@code ${NAME}} placeholders.
 *
 * <p>Envoy has no variable substitution of its own in bootstrap files, and ports are only known at
 * run time (ephemeral ports in tests), hence this tiny renderer. It is strict on purpose: a
 * placeholder left unreplaced would otherwise reach Envoy as a confusing YAML or proto error.
 */
public final class EnvoyTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private EnvoyTemplates() {
    }

    /** Loads {@code templateResource} (e.g. {@code envoy/eg-metadata.yaml}) and substitutes {@code vars}. */
    public static String render(String templateResource, Map<String, String> vars) {
        return substitute(load(templateResource), vars, templateResource);
    }

    /** Replaces every {@code ${NAME}}; fails naming all placeholders that {@code vars} lacks. Extra vars are fine. */
    public static String substitute(String template, Map<String, String> vars, String sourceName) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length());
        TreeSet<String> missing = new TreeSet<>();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Envoy template " + sourceName + " has placeholders without a value: "
                    + missing + " (given: " + new TreeSet<>(vars.keySet()) + ")");
        }
        return out.toString();
    }

    static String load(String templateResource) {
        String name = templateResource.startsWith("/") ? templateResource.substring(1) : templateResource;
        // The context loader first: in Quarkus dev and test mode it is the one that sees application resources.
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        InputStream in = tccl == null ? null : tccl.getResourceAsStream(name);
        if (in == null) {
            in = EnvoyTemplates.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new IllegalArgumentException("Envoy template not found on the classpath: " + name);
        }
        try (InputStream stream = in) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Envoy template " + name, e);
        }
    }
}
