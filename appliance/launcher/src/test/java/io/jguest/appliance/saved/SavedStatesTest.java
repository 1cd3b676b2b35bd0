package io.jguest.appliance.saved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedStatesTest {
    private static final List<String> ARGV = List.of("/usr/bin/qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "512");

    @TempDir
    Path dir;

    private SavedStates states() {
        return new SavedStates(dir.resolve("appliance-1"), dir.resolve("saved.lock"));
    }

    @Test
    void theKeyChangesWithEveryInput() {
        String base = SavedStates.key(ARGV, "qemu 7.2|1|2", "");
        assertEquals(64, base.length());
        assertEquals(base, SavedStates.key(List.copyOf(ARGV), "qemu 7.2|1|2", ""));
        assertNotEquals(base, SavedStates.key(List.of("/usr/bin/qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "1024"),
                "qemu 7.2|1|2", ""));
        assertNotEquals(base, SavedStates.key(ARGV, "qemu 8.0|1|2", ""));
        assertNotEquals(base, SavedStates.key(ARGV, "qemu 7.2|1|2", "6.1.0|EPYC"));
        // items are length-prefixed: moving a boundary changes the key
        assertNotEquals(SavedStates.key(List.of("-m", "512"), "q", ""), SavedStates.key(List.of("-m5", "12"), "q", ""));
    }

    @Test
    void madeOnceThenFound() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        SavedStates s = states();
        String key = "ab".repeat(32);
        assertTrue(s.find(key).isEmpty());
        AtomicInteger made = new AtomicInteger();
        Path state = s.getOrCreate(key, line -> { }, tmp -> {
            made.incrementAndGet();
            assertTrue(tmp.getFileName().toString().endsWith(".tmp"), "made under a temporary name: " + tmp);
            assertFalse(Files.exists(s.file(key)), "not visible before it is complete");
            Files.write(tmp, new byte[] {1, 2, 3});
        });
        assertEquals(s.file(key), state);
        assertEquals(3, Files.size(state));
        assertEquals(state, s.getOrCreate(key, line -> { }, tmp -> made.incrementAndGet()));
        assertEquals(1, made.get());
        assertEquals(List.of(state.getFileName().toString()), names());
        s.discard(state);
        assertTrue(s.find(key).isEmpty());
    }

    @Test
    void aFailedSaveLeavesNothingAndIsNotRetriedSoon() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        SavedStates s = states();
        String key = "cd".repeat(32);
        SaveFailed e = assertThrows(SaveFailed.class, () -> s.getOrCreate(key, line -> { }, tmp -> {
            Files.write(tmp, new byte[10]); // half written
            throw new SaveFailed("migrate failed");
        }));
        assertEquals("migrate failed", e.getMessage());
        assertTrue(s.find(key).isEmpty());
        assertEquals(1, names().size(), "only the failure record: " + names());
        SaveFailed again = assertThrows(SaveFailed.class, () -> s.getOrCreate(key, line -> { },
                tmp -> Files.write(tmp, new byte[1])));
        assertTrue(again.getMessage().contains("migrate failed"), again.getMessage());
        // an hour later it is tried again
        Path failure = dir.resolve("appliance-1").resolve("saved-" + key.substring(0, 16) + ".failed");
        Files.setLastModifiedTime(failure, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path state = s.getOrCreate(key, line -> { }, tmp -> Files.write(tmp, new byte[1]));
        assertTrue(Files.exists(state));
        assertFalse(Files.exists(failure));
    }

    @Test
    void anEmptyStateIsAFailure() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        assertThrows(SaveFailed.class, () -> states().getOrCreate("ef".repeat(32), line -> { },
                tmp -> Files.write(tmp, new byte[0])));
    }

    @Test
    void otherExceptionsPassThroughAndAreNotRemembered() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        SavedStates s = states();
        String key = "12".repeat(32);
        assertThrows(IOException.class, () -> s.getOrCreate(key, line -> { }, tmp -> {
            throw new IOException("the boot failed");
        }));
        assertEquals(List.of(), names());
        assertTrue(Files.exists(s.getOrCreate(key, line -> { }, tmp -> Files.write(tmp, new byte[1]))));
    }

    @Test
    void concurrentMakersMakeItOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Files.createDirectories(dir.resolve("appliance-1"));
            String key = "34".repeat(32);
            AtomicInteger made = new AtomicInteger();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> get(states(), key, tmp -> {
                made.incrementAndGet();
                inside.countDown();
                release.await(10, TimeUnit.SECONDS);
                Files.write(tmp, new byte[] {7});
            }));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            CompletableFuture<Path> second = CompletableFuture.supplyAsync(() -> get(states(), key, tmp -> {
                made.incrementAndGet();
                Files.write(tmp, new byte[] {8});
            }));
            Thread.sleep(200);
            assertFalse(second.isDone(), "the second waits for the first");
            release.countDown();
            assertEquals(first.get(), second.get());
            assertEquals(1, made.get());
            assertEquals(7, Files.readAllBytes(first.get())[0]);
        });
    }

    @Test
    void onlyTheMostRecentlyUsedAreKept() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        SavedStates s = states();
        List<Path> made = new ArrayList<>();
        for (int i = 0; i < SavedStates.KEEP + 2; i++) {
            Path p = s.getOrCreate(String.format("%016x", i).repeat(4), line -> { }, tmp -> Files.write(tmp, new byte[1]));
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(100 - i)));
            made.add(p);
        }
        assertEquals(SavedStates.KEEP, names().size(), names().toString());
        assertTrue(Files.exists(made.getLast()));
        assertFalse(Files.exists(made.getFirst()));
    }

    @Test
    void aLeftoverTemporaryIsReplaced() throws Exception {
        Files.createDirectories(dir.resolve("appliance-1"));
        SavedStates s = states();
        String key = "56".repeat(32);
        Path tmp = s.file(key).resolveSibling(s.file(key).getFileName() + ".tmp");
        Files.write(tmp, new byte[100]); // from a builder that was killed
        Path state = s.getOrCreate(key, line -> { }, t -> {
            assertFalse(Files.exists(t), "the leftover is removed first");
            Files.write(t, new byte[] {1});
        });
        assertEquals(1, Files.size(state));
        assertFalse(Files.exists(tmp));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> st = Files.list(dir.resolve("appliance-1"))) {
            return st.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Path get(SavedStates s, String key, SavedStates.Maker<Exception> maker) {
        try {
            return s.getOrCreate(key, line -> { }, maker);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
