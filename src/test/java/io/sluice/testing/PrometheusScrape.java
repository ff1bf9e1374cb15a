package io.sluice.testing;

import static io.restassured.RestAssured.given;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /q/metrics}: the sum of a meter's samples whose labels include the given ones. The suite
 * shares one application, so tests compare two scrapes rather than absolute values.
 */
public final class PrometheusScrape {

    /** name, labels, value, and an optional exemplar ("# {trace_id=...} ...") when tracing is on. */
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)(?: #.*)?$");

    private final String body;

    private PrometheusScrape(String body) {
        this.body = body;
    }

    public static PrometheusScrape now() {
        return new PrometheusScrape(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** Sum over the samples of {@code name} carrying every {@code label="value"} pair given; 0 when none does. */
    public double sum(String name, String... labelValues) {
        List<String> wanted = pairs(labelValues);
        double total = 0;
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(name) && wanted.stream().allMatch(w -> m.group(2) != null && m.group(2).contains(w))) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    /** How many samples of {@code name} carry every pair given (e.g. the buckets of a histogram). */
    public long count(String name, String... labelValues) {
        List<String> wanted = pairs(labelValues);
        return SAMPLE.matcher(body).results()
                .filter(r -> r.group(1).equals(name) && wanted.stream().allMatch(w -> r.group(2) != null && r.group(2).contains(w)))
                .count();
    }

    @Override
    public String toString() {
        return body;
    }

    private static List<String> pairs(String... labelValues) {
        if (labelValues.length % 2 != 0) {
            throw new IllegalArgumentException("label and value pairs expected: " + Arrays.toString(labelValues));
        }
        String[] pairs = new String[labelValues.length / 2];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = labelValues[2 * i] + "=\"" + labelValues[2 * i + 1] + "\"";
        }
        return List.of(pairs);
    }
}
