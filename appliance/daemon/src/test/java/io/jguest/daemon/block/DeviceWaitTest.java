package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceWaitTest {
    @TempDir
    Path dir;

    @Test
    void drivesFromTheCommandLine() {
        assertEquals(2, DeviceWait.expectedDrives("console=ttyS0 jguest.drives=2 quiet\n"));
        assertEquals(0, DeviceWait.expectedDrives("jguest.drives=0"));
        assertEquals(-1, DeviceWait.expectedDrives("console=ttyS0 xjguest.drives=3"));
        assertEquals(-1, DeviceWait.expectedDrives(""));
    }

    @Test
    void noDrivesArgumentMeansNoWait() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "console=ttyS0\n");
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"),
                new SysBlock(dir.resolve("block")), Duration.ofMinutes(5));
        assertTimeoutPreemptively(Duration.ofSeconds(5), wait::await);
    }

    @Test
    void waitsForModulesAndDisks() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "jguest.drives=1\n");
        Path block = Files.createDirectories(dir.resolve("block"));
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"), new SysBlock(block),
                Duration.ofSeconds(30));
        Thread later = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                Files.createFile(dir.resolve("modules.done"));
                Files.createDirectories(block.resolve("sda"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(10), wait::await);
        later.join();
        assertEquals(true, System.nanoTime() - start >= 150_000_000L, "waited for the disk");
    }

    @Test
    void boundedWhenTheDisksNeverCome() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "jguest.drives=3\n");
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"),
                new SysBlock(dir.resolve("block")), Duration.ofMillis(200));
        assertTimeoutPreemptively(Duration.ofSeconds(5), wait::await);
    }

    @Test
    void aResumeReArmsTheDiskWaitWithItsCount() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "jguest.drives=0\n");
        Files.createFile(dir.resolve("modules.done"));
        Path block = Files.createDirectories(dir.resolve("block"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"), new SysBlock(block),
                Duration.ofSeconds(30), dir.resolve("modules"), dev);
        assertTimeoutPreemptively(Duration.ofSeconds(5), wait::await);
        wait.expectDrives(2);
        Files.createDirectories(block.resolve("sda"));
        Files.createDirectories(block.resolve("sdb"));
        var waiting = java.util.concurrent.CompletableFuture.runAsync(wait::awaitDisks);
        Thread.sleep(300);
        assertEquals(false, waiting.isDone(), "the disks are listed but cannot be opened yet");
        Files.createFile(dev.resolve("sda")); // the device nodes open once the disks are added
        Files.createFile(dev.resolve("sdb"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> waiting.get());
    }

    @Test
    void theNeverWaitingWaitIgnoresACount() {
        DeviceWait wait = DeviceWait.none();
        wait.expectDrives(3);
        assertTimeoutPreemptively(Duration.ofSeconds(5), wait::await);
    }

    @Test
    void awaitExactlyWaitsForARemovedDiskToGoAndANewOneToCome() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "jguest.drives=0\n");
        Files.createFile(dir.resolve("modules.done"));
        Path block = Files.createDirectories(dir.resolve("block"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Files.createDirectories(block.resolve("sda"));
        Files.createFile(dev.resolve("sda"));
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"), new SysBlock(block),
                Duration.ofSeconds(30), dir.resolve("modules"), dev);
        var gone = java.util.concurrent.CompletableFuture.supplyAsync(() -> wait.awaitExactly(0));
        Thread.sleep(300);
        assertEquals(false, gone.isDone(), "sda is still there");
        Files.delete(block.resolve("sda"));
        Files.delete(dev.resolve("sda"));
        assertEquals(true, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> gone.get()));
        var back = java.util.concurrent.CompletableFuture.supplyAsync(() -> wait.awaitExactly(1));
        Files.createDirectories(block.resolve("sda"));
        Files.createFile(dev.resolve("sda"));
        assertEquals(true, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> back.get()));
    }

    @Test
    void awaitExactlyIsBoundedAndSaysSo() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "jguest.drives=0\n");
        Path block = Files.createDirectories(dir.resolve("block"));
        Files.createDirectories(block.resolve("sda"));
        Files.createDirectories(block.resolve("sdb"));
        DeviceWait wait = new DeviceWait(dir.resolve("cmdline"), dir.resolve("modules.done"), new SysBlock(block),
                Duration.ofMillis(200));
        assertEquals(false, assertTimeoutPreemptively(Duration.ofSeconds(5), () -> wait.awaitExactly(1)),
                "two disks are not exactly one");
        assertEquals(true, DeviceWait.none().awaitExactly(3));
    }
}
