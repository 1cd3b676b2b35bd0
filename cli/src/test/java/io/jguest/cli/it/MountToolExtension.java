package io.jguest.cli.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link MountTool} for each test, in a work directory of its own; after the test, nothing
 * it started may be left (mounts, guestmount or qemu processes, temp files), and whatever a failed
 * test left is cleaned up either way. Register it as a field:
 * {@code @RegisterExtension final MountToolExtension mounts = new MountToolExtension();}.
 */
public final class MountToolExtension implements BeforeEachCallback, AfterEachCallback {
    private Path work;
    private MountTool tool;

    /** The current test's tool. */
    public MountTool tool() {
        if (tool == null) {
            throw new IllegalStateException("no test is running");
        }
        return tool;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        work = Files.createTempDirectory("jguest-it-");
        tool = new MountTool(work.resolve("work"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        try {
            tool.assertNothingLeft();
        } finally {
            tool.close();
            tool = null;
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cleanup of " + dir, e);
        }
    }
}
