package io.jguest.daemon.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.GuestFsException;
import io.jguest.daemon.posix.Flags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysrootBackgroundTest {
    @TempDir
    Path dir;

    @Test
    void pathOperationsWaitForTheProbe() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstRan = new AtomicBoolean();
        Sysroot sysroot = Sysroot.openInBackground(dir, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            firstRan.set(true);
        }, () -> { });
        assertEquals(dir.toRealPath(), sysroot.dir());
        Thread opener = new Thread(() -> {
            try (Fd fd = sysroot.openPath("/f", false)) {
                assertTrue(firstRan.get());
            } catch (GuestFsException e) {
                throw new IllegalStateException(e);
            }
        });
        opener.start();
        Thread.sleep(50);
        assertTrue(opener.isAlive(), "the open waits for the probe");
        release.countDown();
        opener.join(10_000);
        assertTrue(firstRan.get());
    }

    @Test
    void aFailingFirstStepFailsPathOperations() throws Exception {
        Sysroot sysroot = Sysroot.openInBackground(dir, () -> {
            throw new IllegalStateException("no libc");
        }, () -> { });
        assertThrows(IllegalStateException.class, () -> sysroot.open("/", Flags.O_PATH, 0));
    }
}
