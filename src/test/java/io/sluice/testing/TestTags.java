package io.sluice.testing;

/**
 * The JUnit tags that say which run executes a test class; pom.xml selects by the same strings. A class without a tag
 * is a unit, contract or end-to-end test of surefire's default run. Each tag has its annotation, which is what a test
 * class carries: {@link Packaged}, {@link StartupFailure}, {@link Fuzz}, {@link Bench}. {@code TestPlacementTest}
 * checks that a class carries the tag its kind needs.
 */
public final class TestTags {

    /** Failsafe, after {@code package}: the packaged application or what {@code package} wrote. */
    public static final String PACKAGED = "packaged";
    /** Surefire's {@code startup-failure} run: QuarkusUnitTest applications that must fail to start. */
    public static final String STARTUP_FAILURE = "startup-failure";
    /** Surefire's {@code fuzz} run, which fuzzes; the default run replays the seeds. */
    public static final String FUZZ = "fuzz";
    /** Only {@code ./mvnw -Pbench verify}. */
    public static final String BENCH = "bench";

    private TestTags() {
    }
}
