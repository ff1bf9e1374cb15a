package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A benchmark: runs only with {@code ./mvnw -Pbench verify} (or {@code -Pbench test -Dtest=...}), never in the test
 * suite.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.BENCH)
public @interface Bench {
}
