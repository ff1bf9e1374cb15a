package io.sluice.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Whether a test class carries the tag its kind needs (see {@link TestTags}); one sentence per mismatch, empty when it
 * is where it belongs. A class without test methods has nothing to place.
 */
final class TestPlacement {

    private static final Set<String> RUN_TAGS = Set.of(TestTags.PACKAGED, TestTags.STARTUP_FAILURE, TestTags.FUZZ,
            TestTags.BENCH);

    private TestPlacement() {
    }

    static List<String> problems(Class<?> test) {
        List<String> problems = new ArrayList<>();
        if (Modifier.isAbstract(test.getModifiers()) || !hasTestMethods(test)) {
            return problems;
        }
        String name = test.getSimpleName();
        Set<String> tags = tags(test);
        if (!name.endsWith("Test") && !name.endsWith("IT") && !name.endsWith("Benchmark")) {
            problems.add(name + " never runs: surefire and failsafe look only at names ending in Test, IT or Benchmark");
        }
        if (tags.size() > 1) {
            problems.add(name + " has tags " + tags + ": one run executes a class");
        }
        mustMatch(problems, name, name.endsWith("IT"), "is named *IT", tags, TestTags.PACKAGED, "@Packaged");
        mustMatch(problems, name, hasQuarkusUnitTest(test), "builds a QuarkusUnitTest", tags, TestTags.STARTUP_FAILURE,
                "@StartupFailure");
        mustMatch(problems, name, hasFuzzTests(test), "has @FuzzTest methods", tags, TestTags.FUZZ, "@Fuzz");
        mustMatch(problems, name, name.endsWith("Benchmark"), "is named *Benchmark", tags, TestTags.BENCH, "@Bench");
        if (tags.contains(TestTags.PACKAGED) && AnnotationSupport.isAnnotated(test, QuarkusTest.class)) {
            problems.add(name + " is @Packaged and @QuarkusTest: failsafe runs plain JUnit against the packaged application");
        }
        return problems;
    }

    /** A class that {@code fact} says of must carry {@code annotation}, and only such a class. */
    private static void mustMatch(List<String> problems, String name, boolean is, String fact, Set<String> tags,
            String tag, String annotation) {
        if (is && !tags.contains(tag)) {
            problems.add(name + " " + fact + ", so it must be " + annotation);
        } else if (!is && tags.contains(tag)) {
            problems.add(name + " is " + annotation + ", which is for a class that " + fact);
        }
    }

    private static boolean hasTestMethods(Class<?> test) {
        return !ReflectionSupport.findMethods(test, m -> AnnotationSupport.isAnnotated(m, Testable.class),
                HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    private static boolean hasFuzzTests(Class<?> test) {
        return !ReflectionSupport.findMethods(test, m -> AnnotationSupport.isAnnotated(m, FuzzTest.class),
                HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    private static boolean hasQuarkusUnitTest(Class<?> test) {
        for (Field field : test.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && QuarkusUnitTest.class.isAssignableFrom(field.getType())) {
                return true;
            }
        }
        return false;
    }

    /** The tags of {@link TestTags} the class carries; others (@QuarkusTest tags its classes too) choose no run. */
    private static Set<String> tags(Class<?> test) {
        Set<String> tags = new TreeSet<>();
        AnnotationSupport.findRepeatableAnnotations(test, Tag.class).stream().map(Tag::value).filter(RUN_TAGS::contains)
                .forEach(tags::add);
        return tags;
    }
}
