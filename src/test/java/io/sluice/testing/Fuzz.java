package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A Jazzer {@code @FuzzTest} class: surefire's default run replays its seeds, the {@code fuzz} run fuzzes for
 * {@code fuzz.duration}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(TestTags.FUZZ)
public @interface Fuzz {
}
