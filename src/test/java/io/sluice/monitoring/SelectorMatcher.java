package io.sluice.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a sample of {@code /q/metrics} is one a PromQL selector would select: its name and its label matchers
 * ({@code =}, {@code !=}, {@code =~}, {@code !~}, regexes anchored as in Prometheus). Matchers on the labels Prometheus
 * adds to a target ({@code job}, {@code namespace}, {@code pod}, ...) are left out: a scrape does not carry them.
 */
public final class SelectorMatcher {

    public static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "container",
            "endpoint");

    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

    private record LabelMatcher(String label, String op, String value) {
        boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> actual.matches(value);
                case "!~" -> !actual.matches(value);
                default -> throw new IllegalStateException(op);
            };
        }
    }

    private final String name;
    private final List<LabelMatcher> matchers = new ArrayList<>();

    public SelectorMatcher(String selector) {
        this.name = PromQlSelectors.metricName(selector);
        int brace = selector.indexOf('{');
        if (brace >= 0) {
            String body = selector.substring(brace + 1, selector.length() - 1);
            Matcher m = MATCHER.matcher(body);
            int at = 0;
            while (at < body.length() && m.find(at) && m.start() == at) {
                if (!TARGET_LABELS.contains(m.group(1))) {
                    matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3).replace("\\\"", "\"")));
                }
                at = m.end();
            }
            if (!body.substring(at).isBlank()) {
                throw new IllegalArgumentException("cannot read the matchers of " + selector);
            }
        }
    }

    public boolean matches(String sampleName, Map<String, String> labels) {
        return sampleName.equals(name) && matchers.stream().allMatch(m -> m.matches(labels));
    }
}
