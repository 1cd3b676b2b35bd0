package io.jguest.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFlags;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.cli.it.ApplianceFixture;
import io.jguest.cli.it.Appliances;
import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import io.jguest.cli.it.Tool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under a mount, each with a real appliance: qemu killed while reading and while writing, the
 * guest kernel panicking, the host disk full under a qcow2 image, the guest filesystem full, guestmount
 * SIGKILLed (alone, and with the watchdog of its qemu while the VM cannot run), and a second writer of
 * the same image. In every case the caller gets an error instead of a hang, guestunmount cleans up,
 * and no process is left.
 */
@DisplayName("faults")
class FaultsConformanceIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    private MountTool tool;
    private TestImages images;

    @AfterEach
    void cleanUp() {
        if (tool != null) {
            tool.close();
        }
    }

    private void init() {
        tool = new MountTool(tmp);
        images = new TestImages(tmp);
    }

    @Test
    void qemuKilledDuringReadsGivesEioAndGuestunmountCleansUp() throws Exception {
        init();
        Path content = images.tree("content", Map.of("dir/a.txt", "a\n", "other/b.txt", "b\n"));
        try (RandomAccessFile big = new RandomAccessFile(content.resolve("big.bin").toFile(), "rw")) {
            byte[] block = randomBlock(5);
            for (int i = 0; i < 48; i++) {
                big.write(block);
            }
        }
        Path image = images.ext4("fault.img", 96, "gmfault", "4d5e6f7a-8b9c-4d0e-8f1a-3b4c5d6e7f8a", content);
        Path mnt = tool.mount(tool.mountpoint("mnt"), "--ro", "-a", image.toString(), "-m", "/dev/sda");
        long server = tool.serverPid(mnt);
        ProcessHandle qemu = qemuOf(server);

        try (FileChannel ch = FileChannel.open(mnt.resolve("big.bin"), StandardOpenOption.READ)) {
            assertEquals(MIB, ch.read(ByteBuffer.allocate(MIB), 0));
            killAndWait(qemu);
            assertEio(assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(MIB), 40L * MIB)));
        }
        assertEio(assertThrows(IOException.class, () -> {
            try (var s = Files.list(mnt.resolve("other"))) {
                s.toList();
            }
        }));
        unmountPromptly(mnt, server);
        tool.assertNothingLeft();
    }

    @Test
    void qemuKilledDuringWritesGivesEioAndGuestunmountCleansUp() throws Exception {
        init();
        Path image = images.ext4("write.img", 64, "gmwrite", "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b", null);
        Path mnt = mountReadWrite(image, "mnt");
        long server = tool.serverPid(mnt);
        ProcessHandle qemu = qemuOf(server);

        byte[] block = randomBlock(6);
        FileChannel ch = FileChannel.open(mnt.resolve("out.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        IOException failed = assertThrows(IOException.class, () -> {
            try (ch) {
                for (int i = 0; i < 4; i++) {
                    ch.write(ByteBuffer.wrap(block));
                }
                ch.force(false); // the first megabytes reached the guest
                killAndWait(qemu);
                // write-back: the error comes at a later write, at fsync or at close, never silence
                for (int i = 0; i < 4; i++) {
                    ch.write(ByteBuffer.wrap(block));
                }
                ch.force(false);
            }
        });
        assertEio(failed);
        assertEio(assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("new.txt"), "x")));
        unmountPromptly(mnt, server);
        tool.assertNothingLeft();
    }

    /**
     * The guest kernel panics (an NMI through QMP: the appliance's kernel panics on one): every call,
     * in flight or later, fails with EIO, qemu exits by itself, and closing the guest is prompt. This
     * one drives the appliance API directly: guestmount's QMP is private to its process; what the mount
     * makes of an appliance that died under it is the qemu-killed tests' subject.
     */
    @Test
    void guestKernelPanicGivesEioAndEndsQemu() throws Exception {
        Path image = helloImage("panic", "6f7a8b9c-0d1e-4f2a-8b3c-5d6e7f8a9b0c");
        try (ApplianceFixture app = ApplianceFixture.launch(Drive.readWrite(image))) {
            Guest g = app.guest();
            g.mount("/dev/sda", "/", "", null);
            assertEquals(6, g.lstat("/hello.txt").size());
            List<ProcessHandle> qemu = Appliances.qemuDescendants().stream()
                    .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false)).toList();
            assertEquals(1, qemu.size(), qemu::toString);

            g.injectNmi();
            qemu.getFirst().onExit().get(2, TimeUnit.MINUTES);
            assertEquals(Errno.EIO, assertThrows(GuestFsException.class, () -> g.lstat("/hello.txt")).errno());
            assertEquals(Errno.EIO, assertThrows(GuestFsException.class,
                    () -> g.open("/new.txt", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644)).errno());
            assertFalse(g.isAlive());
            // the panic line, or (when the stack dump after it has pushed it out of the tail) the panic path
            String console = g.consoleTail();
            assertTrue(console.contains("Kernel panic") || console.contains("nmi_panic"), console);
        }
        assertEquals(List.of(), Appliances.qemuDescendants(), "processes left behind");
    }

    /**
     * The host file system under a qcow2 image fills up while the guest writes: qemu reports the error to
     * the guest (its drives are {@code werror=report}; qemu's default would stop the VM and hang the
     * mount), the writer gets EIO or ENOSPC, the files already there stay readable, guestunmount works.
     */
    @Test
    void hostDiskFullUnderAQcow2ImageFailsTheWriterAndTheMountStaysReadable() throws Exception {
        init();
        Assumptions.assumeTrue(Tool.run("id", "-u").stdout().strip().equals("0"), "a small tmpfs needs root");
        Path small = Files.createDirectories(tmp.resolve("small"));
        Tool.run("mount", "-t", "tmpfs", "-o", "size=12m", "jguest-fault", small.toString());
        try {
            Path raw = images.ext4("full.img", 128, "gmhost", "7a8b9c0d-1e2f-4a3b-8c4d-6e7f8a9b0c1e",
                    images.tree("content", Map.of("keep.txt", "kept\n")));
            Path image = images.qcow2(raw, "full.qcow2");
            Path onSmall = Files.copy(image, small.resolve("full.qcow2"));
            Path mnt = tool.mount(tool.mountpoint("mnt"), "-a", onSmall.toString(), "-m", "/dev/sda");
            long server = tool.serverPid(mnt);

            byte[] block = randomBlock(7);
            IOException full = assertThrows(IOException.class, () -> {
                try (FileChannel ch = FileChannel.open(mnt.resolve("fill.bin"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    for (int i = 0; i < 64; i++) { // 64 MiB into 12 MiB of host space
                        ch.write(ByteBuffer.wrap(block));
                        if (i % 8 == 7) {
                            ch.force(false);
                        }
                    }
                    ch.force(false);
                }
            });
            assertTrue(String.valueOf(full.getMessage()).matches(".*(Input/output error|No space left on device).*"),
                    full::toString);
            assertEquals("kept\n", Files.readString(mnt.resolve("keep.txt")));
            assertTrue(MountTool.isRunning(server), "the mount is served");

            unmountCleanly(mnt);
        } finally {
            Tool.run("umount", "-l", small.toString());
        }
    }

    /** The guest filesystem fills up: ENOSPC (not EIO), and after a delete the mount writes again. */
    @Test
    void guestFilesystemFullGivesEnospcAndTheMountStaysUsable() throws Exception {
        init();
        Path image = images.ext4("gfull.img", 16, "gmgfull", "8b9c0d1e-2f3a-4b4c-8d5e-7f8a9b0c1d2e", null);
        Path mnt = mountReadWrite(image, "mnt");
        byte[] block = randomBlock(8);
        IOException full = assertThrows(IOException.class, () -> {
            try (FileChannel ch = FileChannel.open(mnt.resolve("fill.bin"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                for (int i = 0; i < 32; i++) { // 32 MiB into 16
                    ch.write(ByteBuffer.wrap(block));
                }
                ch.force(false);
            }
        });
        assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full::toString);

        Files.delete(mnt.resolve("fill.bin"));
        Files.write(mnt.resolve("after.bin"), block);
        assertEquals(MIB, Files.size(mnt.resolve("after.bin")));
        assertArrayEquals(block, Files.readAllBytes(mnt.resolve("after.bin")));
        unmountCleanly(mnt);
    }

    @Test
    void guestmountKilledLeavesADeadMountThatGuestunmountCleansUp() throws Exception {
        Path image = helloImage("killed", "7a8b9c0d-1e2f-4a3b-8c4d-6e7f8a9b0c1d");
        Path mnt = mountReadWrite(image, "mnt");
        ProcessHandle server = ProcessHandle.of(tool.serverPid(mnt)).orElseThrow();
        List<ProcessHandle> helpers = server.descendants().toList();
        assertTrue(server.destroyForcibly());
        assertDeadMount(mnt);

        MountTool.Result r = tool.guestunmount(mnt.toString());
        assertEquals(0, r.exitCode(), r::toString);
        for (ProcessHandle h : helpers) {
            assertFalse(MountTool.isRunning(h.pid()), "guestunmount returned while qemu could still write the image");
        }
        // the launch's sockets and overlays were unlinked as soon as qemu had them: no temp file either
        tool.assertNothingLeft();
    }

    /**
     * guestmount and the watchdog of its qemu SIGKILLed together while the VM is stopped (so the guest
     * cannot power itself off when its channel closes): the kernel kills qemu (it runs with a parent-death
     * signal tied to the watchdog shell), and guestunmount cleans up.
     */
    @Test
    void guestmountAndItsWatchdogKilledWhileTheVmIsStoppedLeaveNoQemu() throws Exception {
        Path image = helloImage("orphan", "9c0d1e2f-3a4b-4c5d-8e6f-8a9b0c1d2e3f");
        Path mnt = mountReadWrite(image, "mnt");
        ProcessHandle server = ProcessHandle.of(tool.serverPid(mnt)).orElseThrow();
        ProcessHandle qemu = qemuOf(server.pid());
        ProcessHandle watchdog = qemu.parent().orElseThrow();
        assertTrue(watchdog.parent().map(p -> p.pid() == server.pid()).orElse(false), "qemu's parent is the watchdog");

        Tool.run("kill", "-STOP", Long.toString(qemu.pid()));
        server.destroyForcibly();
        watchdog.destroyForcibly();
        qemu.onExit().get(2, TimeUnit.MINUTES);
        assertDeadMount(mnt);
        unmountCleanly(mnt);
    }

    /** A second guestmount of an image already mounted read-write refuses, naming the image, exit 1. */
    @Test
    void aSecondWriterOfTheSameImageIsRefused() throws Exception {
        Path image = helloImage("twice", "0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a");
        Path first = mountReadWrite(image, "first");
        Path second = tool.mountpoint("second");
        MountTool.Result r = tool.guestmount("-a", image.toString(), "-m", "/dev/sda", second.toString());
        assertEquals(1, r.exitCode(), r::toString);
        List<String> err = r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList();
        assertEquals(1, err.size(), r::toString);
        assertEquals("guestmount: " + image + ": is in use by another process (qemu could not lock it)", err.getFirst());
        assertFalse(MountTool.isMounted(second));
        assertEquals("hello\n", Files.readString(first.resolve("hello.txt")), "the first mount is untouched");

        unmountCleanly(first);
    }

    /** A fresh tool, and a 16 MiB ext4 image {@code name.img} holding {@code hello.txt}. */
    private Path helloImage(String name, String uuid) {
        init();
        return images.ext4(name + ".img", 16, "gm" + name, uuid, images.tree("content", Map.of("hello.txt", "hello\n")));
    }

    /** guestmount -a IMAGE -m /dev/sda on a new mountpoint {@code name}, read-write. */
    private Path mountReadWrite(Path image, String name) {
        return tool.mount(tool.mountpoint(name), "-a", image.toString(), "-m", "/dev/sda");
    }

    private static ProcessHandle qemuOf(long server) {
        return ProcessHandle.of(server).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no qemu under guestmount " + server));
    }

    private static void killAndWait(ProcessHandle p) throws Exception {
        p.destroyForcibly();
        p.onExit().get(2, TimeUnit.MINUTES);
    }

    private static byte[] randomBlock(long seed) {
        byte[] block = new byte[MIB];
        new Random(seed).nextBytes(block);
        return block;
    }

    private static void assertEio(IOException e) {
        assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e::toString);
    }

    /** A mount whose server is gone: its files answer ENOTCONN (or the connection was aborted). */
    private static void assertDeadMount(Path mnt) {
        IOException dead = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("hello.txt")));
        assertTrue(String.valueOf(dead.getMessage()).matches(".*(Transport endpoint is not connected|connection abort).*"),
                dead::toString);
    }

    /** guestunmount returns 0, and nothing is left: no mount, no process, no temp file. */
    private void unmountCleanly(Path mnt) throws InterruptedException {
        MountTool.Result r = tool.guestunmount(mnt.toString());
        assertEquals(0, r.exitCode(), r::toString);
        tool.assertNothingLeft();
    }

    /** guestunmount of a mount whose appliance died: unmounted, 0, silent, guestmount gone. */
    private void unmountPromptly(Path mnt, long server) {
        // the image is safe (qemu is dead) and the mount goes away at once: a short bound is enough
        MountTool.Result r = tool.guestunmount("--wait-timeout=20", mnt.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines(), r::toString);
        assertFalse(MountTool.isMounted(mnt));
        assertFalse(MountTool.isRunning(server), "guestmount still runs");
    }
}
