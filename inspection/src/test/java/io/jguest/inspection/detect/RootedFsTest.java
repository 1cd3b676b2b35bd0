package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedFsTest {
    @TempDir
    Path tmp;
    Path root;
    RootedFs fs;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        fs = new RootedFs("/dev/sda1", root);
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/bash"), "bash");
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        // a file outside the root with the same guest path: must never be what is read
        Files.createDirectories(tmp.resolve("usr/bin"));
        Files.writeString(tmp.resolve("usr/bin/bash"), "OUTSIDE");
    }

    private String guestPath(String path, boolean follow) throws DetectException {
        return fs.resolve(path, follow, false).map(RootedFs.Entry::guestPath).orElse(null);
    }

    @Test
    void symlinksResolveInsideTheRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("bash"));
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/escape"), Path.of("/../../../usr/bin/bash"));
        Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../../../../usr/bin/bash"));
        Files.createSymbolicLink(root.resolve("etc/toroot"), Path.of("/"));

        assertEquals("/usr/bin/bash", guestPath("/bin/sh", true));
        assertEquals("/usr/bin/sh", guestPath("/bin/sh", false));
        assertEquals("/usr/bin/bash", guestPath("/etc/escape", true));
        assertEquals("/usr/bin/bash", guestPath("/etc/up", true));
        assertEquals("/usr/bin/bash", guestPath("/../../etc/../usr/./bin//bash", true));
        assertEquals("/", guestPath("/etc/toroot", true));
        assertTrue(fs.resolve("/etc/toroot", true, false).orElseThrow().attrs().isDirectory());
        assertArrayEquals("bash".getBytes(StandardCharsets.UTF_8), fs.readSmall("/etc/escape", 100).orElseThrow());
        assertEquals(null, guestPath("/usr/bin/bash/x", true));
        assertEquals(null, guestPath("/nowhere/bash", true));
    }

    @Test
    void symlinkLoopsStopAtFortyLinks() throws Exception {
        Files.createSymbolicLink(root.resolve("self"), Path.of("self"));
        DetectException e = assertThrows(DetectException.class, () -> fs.resolve("/self", true, false));
        assertEquals("/self: too many levels of symbolic links", e.getMessage());
        assertEquals("/self", guestPath("/self", false));   // the link itself is fine

        // a chain of exactly 40 links resolves; 41 do not
        for (int i = 1; i <= 41; i++) {
            Files.createSymbolicLink(root.resolve("l" + i), Path.of(i == 1 ? "usr/bin/bash" : "l" + (i - 1)));
        }
        assertEquals("/usr/bin/bash", guestPath("/l40", true));
        assertThrows(DetectException.class, () -> fs.resolve("/l41", true, false));
    }

    @Test
    void caseInsensitiveLookupPrefersAnExactMatch() throws Exception {
        Files.createDirectories(root.resolve("Windows/System32/config"));
        Files.writeString(root.resolve("Windows/System32/cmd.exe"), "MZ");
        assertEquals("/Windows/System32/cmd.exe",
                fs.resolve("/windows/system32/CMD.EXE", true, true).orElseThrow().guestPath());
        assertEquals(Optional.empty(), fs.resolve("/windows/system32/CMD.EXE", true, false));
        Files.createDirectories(root.resolve("windows"));
        assertEquals("/windows", fs.resolve("/windows", true, true).orElseThrow().guestPath());
        assertEquals("/Windows", fs.resolve("/WINDOWS", true, true).orElseThrow().guestPath());
        assertEquals(Optional.empty(), fs.resolve("/windows/system32", true, true));
    }

    @Test
    void onlyRegularFilesAreReadAndWithinLimits() throws Exception {
        Path fifo = root.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        DetectException e = assertThrows(DetectException.class, () -> fs.readSmall("/fifo", 100));
        assertEquals("/fifo: not a regular file", e.getMessage());
        assertThrows(DetectException.class, () -> fs.lines("/fifo", 100, 100, l -> { }));
        assertThrows(DetectException.class, () -> fs.readSmall("/usr", 100));

        Files.writeString(root.resolve("big"), "x".repeat(2000));
        e = assertThrows(DetectException.class, () -> fs.readSmall("/big", 1024));
        assertEquals("/big: 2000 bytes, more than the 1 KiB read for it", e.getMessage());
        assertEquals(Optional.empty(), fs.readSmall("/missing", 1024));

        Files.writeString(root.resolve("lines"), "one\ntwo\n" + "y".repeat(50) + "\nlast");
        List<String> lines = new ArrayList<>();
        assertTrue(fs.lines("/lines", 1000, 10, lines::add));
        assertEquals(List.of("one", "two", "y".repeat(10), "last"), lines);
        lines.clear();
        e = assertThrows(DetectException.class, () -> fs.lines("/lines", 9, 10, lines::add));
        assertEquals("/lines: larger than 9 bytes, read only that much", e.getMessage());
        assertEquals(List.of("one", "two"), lines);

        assertArrayEquals("as".getBytes(StandardCharsets.UTF_8), fs.readAt("/bin/bash", 1, 2).orElseThrow());
        assertArrayEquals("h".getBytes(StandardCharsets.UTF_8), fs.readAt("/bin/bash", 3, 10).orElseThrow());
    }

    @Test
    void subdirectoriesAreListedWithoutFollowingLinks() throws Exception {
        Files.createDirectories(root.resolve("db/b"));
        Files.createDirectories(root.resolve("db/a"));
        Files.writeString(root.resolve("db/file"), "");
        Files.createSymbolicLink(root.resolve("db/link"), Path.of("a"));
        assertEquals(List.of("a", "b"), fs.subdirectories("/db", 10));
        assertEquals(List.of(), fs.subdirectories("/db/file", 10));
        assertThrows(DetectException.class, () -> fs.subdirectories("/db", 1));
    }
}
