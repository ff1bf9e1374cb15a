package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Runs in failsafe after {@code package} (name the class {@code *IT}): against the packaged application in a JVM of
 * its own ({@link SluiceProcess}), or on what {@code package} wrote (target/quarkus-app, target/kubernetes). Plain
 * JUnit, no Quarkus test runtime.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.PACKAGED)
public @interface Packaged {
}
