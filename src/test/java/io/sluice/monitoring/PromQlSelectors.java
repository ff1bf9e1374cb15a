package io.sluice.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The vector selectors of a PromQL expression ({@code name{matchers}}), found by a small tokenizer rather than a full
 * parser: Prometheus 2.42 has no API that returns them, and these are enough to ask Prometheus, one selector at a time,
 * whether the series an expression reads exist. Function and aggregation names, keywords, label lists after
 * {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/{@code group_right}, strings, numbers,
 * durations and range or subquery brackets are skipped.
 */
public final class PromQlSelectors {

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private PromQlSelectors() {
    }

    /** Every selector in order of appearance, e.g. {@code up{job="sluice"}}, with its matchers as written. */
    public static List<String> of(String expr) {
        List<String> selectors = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = skipPast(expr, i, ']');
            } else if (c == '{') {
                // A selector by matchers alone ({__name__=~"..."}).
                int end = skipPast(expr, i, '}');
                selectors.add(expr.substring(i, end));
                i = end;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                i = skipNumber(expr, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(expr.charAt(end)) || expr.charAt(end) == '_'
                        || expr.charAt(end) == ':')) {
                    end++;
                }
                String word = expr.substring(i, end);
                int next = skipSpace(expr, end);
                String lower = word.toLowerCase(java.util.Locale.ROOT);
                if (LABEL_LISTS.contains(lower)) {
                    i = next < n && expr.charAt(next) == '(' ? skipPast(expr, next, ')') : next;
                } else if (AGGREGATIONS.contains(lower) || KEYWORDS.contains(lower)
                        || (next < n && expr.charAt(next) == '(')) {
                    i = end;
                } else if (next < n && expr.charAt(next) == '{') {
                    int close = skipPast(expr, next, '}');
                    selectors.add(word + expr.substring(next, close));
                    i = close;
                } else {
                    selectors.add(word);
                    i = end;
                }
            } else {
                i++;
            }
        }
        return selectors;
    }

    /** The metric name of a selector ({@code up} of {@code up{job="x"}}), or empty when it has none. */
    public static String metricName(String selector) {
        int brace = selector.indexOf('{');
        return brace < 0 ? selector : selector.substring(0, brace);
    }

    private static int skipString(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    /** Past the closing character, skipping strings inside (a matcher's value may hold '}' or ']'). */
    private static int skipPast(String s, int start, char close) {
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != close) {
            char c = s.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(s, i) : i + 1;
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("no '" + close + "' after position " + start + " in: " + s);
        }
        return i + 1;
    }

    private static int skipNumber(String s, int start) {
        int i = start;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                || ((s.charAt(i) == '+' || s.charAt(i) == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
            i++;
        }
        return i;
    }

    private static int skipSpace(String s, int start) {
        int i = start;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
