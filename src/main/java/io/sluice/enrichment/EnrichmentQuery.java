package io.sluice.enrichment;

import java.util.Map;

/** What Sluice tells the enrichment service about one exchange (the HTTP transport's JSON body). */
public record EnrichmentQuery(String method, String path, String authority, Map<String, String> headers,
        Map<String, String> attributes) {
}
