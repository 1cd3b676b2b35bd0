package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * guestmount and guestunmount as a user runs them (the scripts, in the background), on one ext4
 * image: POSIX operations, {@code cp -a} and {@code tar x} through a read-write mount; then the data
 * safety check: guestunmount, {@code e2fsck -fn} on the host, and every byte of every file compared
 * through a fresh read-only mount, which then shows read-only behaviour (EROFS) and leaves the image
 * unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestmountIT {
    private MountTool tool;
    private Path image;
    private Path rw;
    private Path ro;
    /** Every regular file the image must hold at the end, by path relative to the root, with its content. */
    private final Map<String, byte[]> expected = new TreeMap<>();
    private final Map<String, String> expectedLinks = new TreeMap<>();

    @BeforeAll
    void mount(@TempDir Path tmp) throws Exception {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        Path content = images.tree("content", Map.of("hello.txt", "hello\n", "dir/a.txt", "a\n", "dir/sub/", "",
                "link", "-> hello.txt", "doomed/x/y.txt", "y\n", "doomed/z.txt", "z\n"));
        image = images.ext4("ext4.img", 96, "gmtest", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", content);
        expected.put("hello.txt", bytes("hello\n"));
        expected.put("dir/a.txt", bytes("a\n"));
        expectedLinks.put("link", "hello.txt");
        rw = tool.mount(tool.mountpoint("rw"), "-a", image.toString(), "-m", "/dev/sda");
    }

    @AfterAll
    void cleanUp() {
        if (tool != null) {
            tool.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void write(String rel, byte[] data) throws IOException {
        Files.write(rw.resolve(rel), data);
        expected.put(rel, data);
    }

    @Test
    @Order(1)
    void readsWhatTheImageHolds() throws IOException {
        assertEquals(List.of("dir", "doomed", "hello.txt", "link", "lost+found"), names(rw));
        assertEquals("hello\n", Files.readString(rw.resolve("hello.txt")));
        assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(rw.resolve("link")));
        assertEquals("hello\n", Files.readString(rw.resolve("link")));
    }

    @Test
    @Order(2)
    void posixOperations() throws IOException {
        write("new.txt", bytes("created through FUSE\n"));
        assertEquals("created through FUSE\n", Files.readString(rw.resolve("new.txt")));
        Files.createDirectories(rw.resolve("made/deeper"));
        write("made/deeper/f.bin", random(300_000, 1));
        // an editor's save: write a temporary file, rename it over the original
        write("dir/a.txt.tmp", bytes("a, edited\n"));
        Files.move(rw.resolve("dir/a.txt.tmp"), rw.resolve("dir/a.txt"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        expected.put("dir/a.txt", expected.remove("dir/a.txt.tmp"));
        assertEquals("a, edited\n", Files.readString(rw.resolve("dir/a.txt")));
        assertFalse(Files.exists(rw.resolve("dir/a.txt.tmp")));
        Files.writeString(rw.resolve("new.txt"), "appended\n", java.nio.file.StandardOpenOption.APPEND);
        expected.put("new.txt", bytes("created through FUSE\nappended\n"));
        Files.setPosixFilePermissions(rw.resolve("new.txt"), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(rw.resolve("new.txt"))));
        Files.createSymbolicLink(rw.resolve("made/link"), Path.of("deeper/f.bin"));
        expectedLinks.put("made/link", "deeper/f.bin");
        Tool.run("rm", "-r", rw.resolve("doomed").toString());
        assertFalse(Files.exists(rw.resolve("doomed")));
        assertEquals(List.of("dir", "hello.txt", "link", "lost+found", "made", "new.txt"), names(rw));
    }

    @Test
    @Order(3)
    void cpDashACopiesATreeExactly() throws IOException {
        Path src = hostTree("cp-src");
        Tool.run("cp", "-a", src.toString(), rw.resolve("copied").toString());
        assertSameTree(src, rw.resolve("copied"));
        expectTree(src, "copied");
    }

    @Test
    @Order(4)
    void tarExtractsATreeExactly() throws IOException {
        Path src = hostTree("tar-src");
        Path tar = tool.work().resolve("tree.tar");
        // the POSIX format keeps sub-second times, so tar x has to set them exactly
        Tool.run("tar", "--format=posix", "-cf", tar.toString(), "-C", src.toString(), ".");
        Files.createDirectory(rw.resolve("untarred"));
        Tool.run("tar", "-xf", tar.toString(), "-C", rw.resolve("untarred").toString());
        assertSameTree(src, rw.resolve("untarred"));
        expectTree(src, "untarred");
    }

    @Test
    @Order(5)
    void whatWasWrittenIsSafeInTheImageAfterGuestunmount() throws Exception {
        Files.createDirectory(rw.resolve("safety"));
        int[] sizes = {0, 1, 4095, 4096, 4097, 131_072, 1_048_583, 5 * 1_048_576 + 3};
        for (int i = 0; i < sizes.length; i++) {
            write("safety/f" + i + ".bin", random(sizes[i], 100 + i));
        }
        for (int i = 0; i < 20; i++) { // many small saves by rename
            write("safety/small.tmp", random(100 + i, 200 + i));
            Files.move(rw.resolve("safety/small.tmp"), rw.resolve("safety/small-" + (i % 3) + ".txt"),
                    StandardCopyOption.REPLACE_EXISTING);
            expected.put("safety/small-" + (i % 3) + ".txt", expected.remove("safety/small.tmp"));
        }
        long server = tool.serverPid(rw);
        MountTool.Result r = tool.guestunmount(rw.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines(), r::toString);
        assertFalse(MountTool.isMounted(rw));
        assertFalse(MountTool.isRunning(server), "guestunmount returned before guestmount had finished");
        Tool.run("e2fsck", "-fn", image.toString());

        ro = tool.mount(tool.mountpoint("ro"), "--ro", "-a", image.toString(), "-m", "/dev/sda");
        Map<String, byte[]> found = new TreeMap<>();
        Map<String, String> links = new TreeMap<>();
        try (Stream<Path> all = Files.walk(ro)) {
            for (Path p : all.toList()) {
                String rel = ro.relativize(p).toString();
                if (rel.startsWith("lost+found")) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    links.put(rel, Files.readSymbolicLink(p).toString());
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.put(rel, Files.readAllBytes(p));
                }
            }
        }
        assertEquals(expected.keySet(), found.keySet());
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), found.get(e.getKey()), e.getKey() + " differs in the image");
        }
        assertEquals(expectedLinks, links);
    }

    @Test
    @Order(6)
    void aReadOnlyMountRefusesChangesAndLeavesTheImageAlone() throws Exception {
        String before = TestImages.sha256(image);
        assertTrue(Files.isDirectory(ro.resolve("made/deeper")));
        assertEquals(1_048_583, Files.size(ro.resolve("safety/f6.bin")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(ro.resolve("new.txt"))));
        assertErofs(() -> Files.writeString(ro.resolve("hello.txt"), "no"));
        assertErofs(() -> Files.writeString(ro.resolve("nope.txt"), "no"));
        assertErofs(() -> Files.createDirectory(ro.resolve("nodir")));
        assertErofs(() -> Files.delete(ro.resolve("new.txt")));
        assertErofs(() -> Files.move(ro.resolve("new.txt"), ro.resolve("moved.txt")));
        assertErofs(() -> Files.setPosixFilePermissions(ro.resolve("new.txt"), PosixFilePermissions.fromString("rwxrwxrwx")));
        assertErofs(() -> Files.setLastModifiedTime(ro.resolve("new.txt"), FileTime.fromMillis(0)));
        MountTool.Result r = tool.guestunmount(ro.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(before, TestImages.sha256(image), "a --ro mount changed the image");
        tool.assertNothingLeft();
    }

    @FunctionalInterface
    interface IoCall {
        void run() throws IOException;
    }

    private static void assertErofs(IoCall call) {
        FileSystemException e = assertThrows(FileSystemException.class, call::run);
        assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e::toString);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A small tree on the host with modes, old mtimes, a symlink, an empty directory and a 2 MiB file. */
    private Path hostTree(String name) throws IOException {
        Path root = Files.createDirectories(tool.work().resolve(name));
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("a/empty"));
        Files.writeString(root.resolve("a/b/c.txt"), "deep file\n");
        Files.writeString(root.resolve("a/x.sh"), "#!/bin/sh\necho hi\n");
        Files.write(root.resolve("big.dat"), random(2 * 1_048_576 + 17, 7));
        Files.createSymbolicLink(root.resolve("a/link"), Path.of("b/c.txt"));
        Files.setPosixFilePermissions(root.resolve("a/b/c.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(root.resolve("a/x.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("a/empty"), PosixFilePermissions.fromString("rwx------"));
        long t = 1_600_000_000_123L;
        for (String f : List.of("a/b/c.txt", "a/x.sh", "big.dat")) {
            Files.setLastModifiedTime(root.resolve(f), FileTime.fromMillis(t += 1000));
        }
        return root;
    }

    /** Same names, types, contents, link targets and modes; same mtimes for files. */
    private static void assertSameTree(Path expectedRoot, Path actualRoot) throws IOException {
        try (Stream<Path> all = Files.walk(expectedRoot)) {
            for (Path e : all.toList()) {
                Path rel = expectedRoot.relativize(e);
                Path a = actualRoot.resolve(rel.toString());
                assertTrue(Files.exists(a, LinkOption.NOFOLLOW_LINKS), rel + " missing");
                if (Files.isSymbolicLink(e)) {
                    assertEquals(Files.readSymbolicLink(e), Files.readSymbolicLink(a), rel + ": link target");
                    continue;
                }
                assertEquals(Files.getPosixFilePermissions(e), Files.getPosixFilePermissions(a), rel + ": mode");
                if (Files.isRegularFile(e)) {
                    assertArrayEquals(Files.readAllBytes(e), Files.readAllBytes(a), rel + ": content");
                    assertEquals(Files.getLastModifiedTime(e), Files.getLastModifiedTime(a), rel + ": mtime");
                } else {
                    assertTrue(Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS), rel + ": not a directory");
                }
            }
        }
        assertEquals(count(expectedRoot), count(actualRoot), "entry count under " + actualRoot);
    }

    private static long count(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.count();
        }
    }

    private void expectTree(Path src, String under) throws IOException {
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                String rel = under + "/" + src.relativize(p);
                if (Files.isSymbolicLink(p)) {
                    expectedLinks.put(rel, Files.readSymbolicLink(p).toString());
                } else if (Files.isRegularFile(p)) {
                    expected.put(rel, Files.readAllBytes(p));
                }
            }
        }
    }
}
