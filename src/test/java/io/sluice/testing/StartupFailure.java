package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A QuarkusUnitTest application that must fail to start: runs in surefire's {@code startup-failure} run, since a
 * QuarkusUnitTest cannot share a JVM run with {@code @QuarkusTest} classes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.STARTUP_FAILURE)
public @interface StartupFailure {
}
