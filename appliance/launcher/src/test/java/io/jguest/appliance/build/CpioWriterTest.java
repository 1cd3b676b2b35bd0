package io.jguest.appliance.build;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CpioWriterTest {
    @TempDir
    Path dir;

    private Path write(Path out) throws Exception {
        Path src = dir.resolve("busybox");
        Files.write(src, new byte[] {1, 2, 3, 4, 5});
        try (CpioWriter w = CpioWriter.create(out)) {
            w.dir("bin", 0755)
                    .dir("dev", 0755)
                    .charDevice("dev/console", 0600, 5, 1)
                    .file("bin/busybox", 0755, src)
                    .file("init", 0755, "#!/bin/busybox sh\n".getBytes(StandardCharsets.UTF_8))
                    .symlink("bin/sh", "busybox");
        }
        return out;
    }

    @Test
    void readsBackAsNewcWithRootOwnerAndFixedTimes() throws Exception {
        Path out = write(dir.resolve("initrd"));
        List<CpioArchiveEntry> entries = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try (InputStream in = Files.newInputStream(out); CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            for (CpioArchiveEntry e; (e = cpio.getNextEntry()) != null; ) {
                entries.add(e);
                contents.add(cpio.readAllBytes());
            }
        }
        assertEquals(List.of("bin", "dev", "dev/console", "bin/busybox", "init", "bin/sh"),
                entries.stream().map(CpioArchiveEntry::getName).toList());
        for (CpioArchiveEntry e : entries) {
            assertEquals(CpioConstants.FORMAT_NEW, e.getFormat());
            assertEquals(0, e.getUID());
            assertEquals(0, e.getGID());
            assertEquals(CpioWriter.MTIME, e.getTime());
        }
        assertEquals(CpioConstants.C_ISDIR | 0755, entries.get(0).getMode());
        CpioArchiveEntry console = entries.get(2);
        assertEquals(CpioConstants.C_ISCHR | 0600, console.getMode());
        assertEquals(5, console.getRemoteDeviceMaj());
        assertEquals(1, console.getRemoteDeviceMin());
        assertEquals(CpioConstants.C_ISREG | 0755, entries.get(3).getMode());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, contents.get(3));
        assertEquals("#!/bin/busybox sh\n", new String(contents.get(4), StandardCharsets.UTF_8));
        assertEquals(CpioConstants.C_ISLNK | 0777, entries.get(5).getMode());
        assertEquals("busybox", new String(contents.get(5), StandardCharsets.UTF_8));
    }

    @Test
    void outputIsDeterministic() throws Exception {
        byte[] a = Files.readAllBytes(write(dir.resolve("a")));
        byte[] b = Files.readAllBytes(write(dir.resolve("b")));
        assertArrayEquals(a, b);
        // newc archives are padded to 4 bytes and start with the magic
        assertEquals("070701", new String(a, 0, 6, StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsAbsoluteAndDuplicateNames() throws Exception {
        try (CpioWriter w = CpioWriter.create(dir.resolve("x"))) {
            assertThrows(IllegalArgumentException.class, () -> w.dir("/bin", 0755));
            w.dir("bin", 0755);
            assertThrows(IllegalArgumentException.class, () -> w.dir("bin", 0755));
        }
    }
}
