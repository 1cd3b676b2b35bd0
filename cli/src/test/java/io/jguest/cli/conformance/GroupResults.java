package io.jguest.cli.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The results of the conformance groups, for {@code scripts/conformance}'s table: a JUnit Platform
 * listener (registered in {@code META-INF/services}) that does nothing unless the system property
 * {@code jguest.conformance.results} names a file, to which it then appends one line per group:
 * {@code class<TAB>group<TAB>passed<TAB>failed<TAB>skipped<TAB>seconds}.
 *
 * <p>A group is the nearest enclosing class container of a test in this package, named by its display
 * name: a class's {@code @DisplayName}, a nested class's, or a parameterized class's invocation
 * ({@code posix: ext4}), which the XML reports do not carry. A container that fails (a
 * {@code @BeforeAll}) counts as one failed test of its group; tests that did not run because their
 * container was skipped count as skipped. The time is the group container's, set-up included.
 */
public final class GroupResults implements TestExecutionListener {
    private static final String PROPERTY = "jguest.conformance.results";
    private static final String PACKAGE = GroupResults.class.getPackageName() + ".";

    /** One group's counts. */
    private static final class Counts {
        final String className;
        final String name;
        int passed;
        int failed;
        int skipped;
        long started;
        double seconds;
        /** Time spent in nested groups, not counted again in this one's. */
        double nested;

        Counts(String className, String name) {
            this.className = className;
            this.name = name;
        }
    }

    private final Optional<Path> file = Optional.ofNullable(System.getProperty(PROPERTY)).filter(s -> !s.isBlank()).map(Path::of);
    private final Map<String, Counts> groups = new LinkedHashMap<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    /** The class a container runs, when it is one of this package's (a class, nested class or invocation). */
    private static Optional<Class<?>> groupClass(TestIdentifier id) {
        return id.getSource().filter(ClassSource.class::isInstance).<Class<?>>map(s -> ((ClassSource) s).getJavaClass())
                .filter(c -> c.getName().startsWith(PACKAGE));
    }

    /** The counts of the group {@code id} belongs to (itself, when it is a group container). */
    private Optional<Counts> group(TestIdentifier id) {
        for (Optional<TestIdentifier> at = Optional.of(id); at.isPresent(); at = plan.getParent(at.get())) {
            TestIdentifier c = at.get();
            if (c.isContainer() && groupClass(c).isPresent()) {
                Class<?> outer = groupClass(c).get();
                while (outer.getEnclosingClass() != null) {
                    outer = outer.getEnclosingClass();
                }
                String className = outer.getSimpleName();
                return Optional.of(groups.computeIfAbsent(c.getUniqueId(), k -> new Counts(className, c.getDisplayName())));
            }
        }
        return Optional.empty();
    }

    private boolean isGroup(TestIdentifier id) {
        return id.isContainer() && groupClass(id).isPresent();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (file.isPresent() && isGroup(id)) {
            group(id).ifPresent(g -> g.started = System.nanoTime());
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (file.isEmpty()) {
            return;
        }
        if (id.isTest()) {
            group(id).ifPresent(g -> g.skipped++);
        } else {
            plan.getDescendants(id).stream().filter(TestIdentifier::isTest)
                    .forEach(t -> group(t).ifPresent(g -> g.skipped++));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (file.isEmpty()) {
            return;
        }
        boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
        if (id.isTest()) {
            group(id).ifPresent(g -> {
                switch (result.getStatus()) {
                    case SUCCESSFUL -> g.passed++;
                    case ABORTED -> g.skipped++;
                    case FAILED -> g.failed++;
                }
            });
        } else if (isGroup(id)) {
            group(id).ifPresent(g -> {
                g.seconds = (System.nanoTime() - g.started) / 1e9 - g.nested;
                if (failed) {
                    g.failed++;
                } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    // aborted before its tests ran (an assumption in @BeforeAll): they are skipped
                    g.skipped += (int) plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
                }
                plan.getParent(id).flatMap(this::group).ifPresent(parent -> parent.nested += g.seconds + g.nested);
            });
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (file.isEmpty() || groups.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Counts g : groups.values()) {
            if (g.passed + g.failed + g.skipped == 0) {
                continue; // a class template, or a class holding only nested groups
            }
            lines.append(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%d\t%.1f%n", g.className,
                    g.name.replace('\t', ' '), g.passed, g.failed, g.skipped, g.seconds));
        }
        try {
            Files.writeString(file.get(), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the conformance results to " + file.get(), e);
        }
    }
}
