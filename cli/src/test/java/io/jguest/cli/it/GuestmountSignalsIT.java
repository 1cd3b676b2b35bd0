package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to guestmount: while the appliance boots (background mode: the signal reaches the parent,
 * which passes it on) nothing is left mounted or running and it exits 1; once mounted (foreground),
 * it unmounts, shuts down, removes its pid file and exits 0.
 */
class GuestmountSignalsIT {
    @TempDir
    Path tmp;
    private MountTool tool;
    private Path image;

    @BeforeEach
    void setUp() {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        image = images.ext4("sig.img", 16, "gmsig", "6f7a8b9c-0d1e-4f2a-8b3c-5d6e7f8a9b0c",
                images.tree("content", Map.of("hello.txt", "hello\n")));
    }

    @AfterEach
    void cleanUp() {
        tool.close();
    }

    /** Starts a guestmount script without waiting for it; its output goes to files in the work directory. */
    private Process start(String name, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(MountTool.script("guestmount").toString()));
        cmd.addAll(List.of(args));
        return tool.environment(new ProcessBuilder(cmd)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile())
                .start();
    }

    private String err(String name) {
        try {
            return Files.readString(tmp.resolve(name + ".err"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    @Test
    void sigtermWhileTheApplianceBootsLeavesNothing() throws Exception {
        Path mnt = tool.mountpoint("boot");
        Process gm = start("boot", "-a", image.toString(), "-m", "/dev/sda", mnt.toString());
        // wait until the background child has started qemu: the launch is under way
        while (tool.leftovers().stream().noneMatch(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))) {
            assertTrue(gm.isAlive(), () -> "guestmount ended before qemu started: " + err("boot"));
            Thread.sleep(20);
        }
        gm.destroy(); // SIGTERM to the parent (the script execs java)
        assertTrue(gm.waitFor(2, TimeUnit.MINUTES));
        assertEquals(1, gm.exitValue(), () -> err("boot"));
        assertTrue(err("boot").contains("guestmount: stopped by a signal before the mount was ready"), () -> err("boot"));
        tool.assertNothingLeft();
    }

    @Test
    void sigtermWhileMountedUnmountsAndExits0() throws Exception {
        Path mnt = tool.mountpoint("mounted");
        Path pid = tmp.resolve("mounted.pid");
        Process gm = start("mounted", "--no-fork", "--pid-file", pid.toString(), "-a", image.toString(),
                "-m", "/dev/sda", mnt.toString());
        while (!Files.exists(pid)) { // written once the mount answers
            assertTrue(gm.isAlive(), () -> "guestmount ended: " + err("mounted"));
            Thread.sleep(20);
        }
        assertEquals("hello\n", Files.readString(mnt.resolve("hello.txt")));
        Files.writeString(mnt.resolve("written.txt"), "before the signal\n");
        gm.destroy();
        assertTrue(gm.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, gm.exitValue(), () -> err("mounted"));
        assertFalse(MountTool.isMounted(mnt));
        assertFalse(Files.exists(pid), "pid file left");
        tool.assertNothingLeft();
        assertTrue(Tool.run("debugfs", "-R", "cat /written.txt", image.toString()).stdout().contains("before the signal"),
                "the write did not reach the image");
    }
}
