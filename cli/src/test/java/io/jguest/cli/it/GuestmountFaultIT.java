package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance dies under a mount (its qemu is killed in the middle of reading a file): reads fail
 * with EIO instead of hanging, guestunmount still unmounts and returns 0 promptly, and neither
 * guestmount nor qemu is left running. And guestmount itself killed (SIGKILL): guestunmount removes
 * the dead mount and returns once the orphaned qemu is gone too.
 */
class GuestmountFaultIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    private MountTool tool;

    @AfterEach
    void cleanUp() {
        if (tool != null) {
            tool.close();
        }
    }

    @Test
    void killingQemuMidReadGivesEioAndGuestunmountStillCleansUp() throws Exception {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        Path content = images.tree("content", Map.of("dir/a.txt", "a\n", "other/b.txt", "b\n"));
        try (RandomAccessFile big = new RandomAccessFile(content.resolve("big.bin").toFile(), "rw")) {
            byte[] block = new byte[MIB];
            new java.util.Random(5).nextBytes(block);
            for (int i = 0; i < 48; i++) {
                big.write(block);
            }
        }
        Path image = images.ext4("fault.img", 96, "gmfault", "4d5e6f7a-8b9c-4d0e-8f1a-3b4c5d6e7f8a", content);
        Path mnt = tool.mount(tool.mountpoint("mnt"), "--ro", "-a", image.toString(), "-m", "/dev/sda");
        long server = tool.serverPid(mnt);
        ProcessHandle qemu = ProcessHandle.of(server).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no qemu under guestmount " + server));

        try (FileChannel ch = FileChannel.open(mnt.resolve("big.bin"), StandardOpenOption.READ)) {
            assertEquals(MIB, ch.read(ByteBuffer.allocate(MIB), 0));
            qemu.destroyForcibly();
            qemu.onExit().get();
            IOException e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(MIB), 40L * MIB));
            assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e::toString);
        }
        IOException listing = assertThrows(IOException.class, () -> {
            try (var s = Files.list(mnt.resolve("other"))) {
                s.toList();
            }
        });
        assertTrue(String.valueOf(listing.getMessage()).contains("Input/output error"), listing::toString);

        // the image is safe (qemu is dead) and the mount goes away at once: a short bound is enough
        MountTool.Result r = tool.guestunmount("--wait-timeout=20", mnt.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines(), r::toString);
        assertFalse(MountTool.isMounted(mnt));
        assertFalse(MountTool.isRunning(server), "guestmount still runs");
        tool.assertNothingLeft();
    }

    @Test
    void guestmountKilledLeavesADeadMountThatGuestunmountCleansUp() throws Exception {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        Path image = images.ext4("killed.img", 16, "gmkill", "7a8b9c0d-1e2f-4a3b-8c4d-6e7f8a9b0c1d",
                images.tree("content", Map.of("hello.txt", "hello\n")));
        Path mnt = tool.mount(tool.mountpoint("mnt"), "-a", image.toString(), "-m", "/dev/sda");
        ProcessHandle server = ProcessHandle.of(tool.serverPid(mnt)).orElseThrow();
        List<ProcessHandle> helpers = server.descendants().toList();
        assertTrue(server.destroyForcibly());
        IOException dead = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("hello.txt")));
        assertTrue(String.valueOf(dead.getMessage()).matches(".*(Transport endpoint is not connected|connection abort).*"),
                dead::toString);

        MountTool.Result r = tool.guestunmount(mnt.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(MountTool.isMounted(mnt));
        for (ProcessHandle h : helpers) {
            assertFalse(MountTool.isRunning(h.pid()), "guestunmount returned while qemu could still write the image");
        }
        // (a killed process cannot delete its temp directory: that one stays, as with libguestfs)
        tool.assertNoMountOrProcessLeft();
    }
}
