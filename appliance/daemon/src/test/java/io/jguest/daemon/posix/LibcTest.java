package io.jguest.daemon.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.api.FileAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calls that use per-thread scratch memory instead of an arena. */
class LibcTest {
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_DIRECTORY = 0200000;

    @TempDir
    Path dir;

    @Test
    void statAndListingOfAsciiAndUtf8NamesAndTooLongPaths() throws Exception {
        Files.writeString(dir.resolve("plain"), "12345");
        Files.writeString(dir.resolve("fïle ✓"), "1");
        int fd = Libc.openat(Flags.AT_FDCWD, dir.toString(), O_RDONLY | O_DIRECTORY, 0);
        try {
            FileAttributes a = Libc.fstatat(fd, "plain", Flags.AT_SYMLINK_NOFOLLOW);
            assertEquals(5, a.size());
            assertEquals(Files.getAttribute(dir.resolve("plain"), "unix:ino"), a.ino());
            assertEquals(1, Libc.fstatat(fd, "fïle ✓", Flags.AT_SYMLINK_NOFOLLOW).size());
            assertEquals(5, Libc.fstatat(fd, "plain", 0).size(), "the scratch path is rewritten, not appended to");
            Set<String> names = Libc.readDirectory(fd).stream().map(Dirent::name).collect(Collectors.toSet());
            assertEquals(Set.of(".", "..", "plain", "fïle ✓"), names);
            PosixException tooLong = assertThrows(PosixException.class,
                    () -> Libc.fstatat(fd, "x/".repeat(2100), 0)); // longer than the scratch path buffer
            assertEquals(36, tooLong.number(), "ENAMETOOLONG from the kernel, not a scratch overflow");
            assertEquals(22, assertThrows(PosixException.class, () -> Libc.fstatat(fd, "a\0b", 0)).number());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void readsAndWritesOfGrowingSizesReuseTheScratchBufferCorrectly() throws Exception {
        Path f = dir.resolve("data");
        Files.createFile(f);
        int fd = Libc.openat(Flags.AT_FDCWD, f.toString(), O_RDWR, 0);
        try {
            Random random = new Random(3);
            for (int size : new int[] {10, 100_000, 7, 3 * 1024 * 1024 + 5, 1}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                assertEquals(size, Libc.pwriteFully(fd, 0, data));
                assertArrayEquals(data, Libc.preadFully(fd, 0, size), "size " + size);
            }
            assertEquals(3 * 1024 * 1024 + 5 - 100, Libc.preadFully(fd, 100, 4 * 1024 * 1024).length, "short only at EOF");
            assertEquals(0, Libc.preadFully(fd, 1 << 30, 10).length);
        } finally {
            Libc.close(fd);
        }
    }
}
