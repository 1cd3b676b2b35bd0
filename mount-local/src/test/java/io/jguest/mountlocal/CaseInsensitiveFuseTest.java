package io.jguest.mountlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real FUSE mount (no VM) of {@link GuestMount} over {@link CaseInsensitiveFileSystem} over the
 * in-memory guest, used with shell tools: what the kernel's lookups and caches make of it.
 */
class CaseInsensitiveFuseTest {
    @TempDir
    Path tmp;
    Path mnt;
    final MemoryGuestFileSystem guest = new MemoryGuestFileSystem();
    GuestMount ops;
    LocalMount mount;

    @BeforeEach
    void mountDriveLetters() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/fuse")), "needs /dev/fuse");
        guest.dirs("/C", "/D", "/C/Windows", "/C/Windows/System32", "/D/Data");
        guest.put("/C/Windows/System32/cmd.exe", "MZ cmd\n".getBytes(StandardCharsets.UTF_8));
        guest.put("/D/Data/Straße.txt", "d\n".getBytes(StandardCharsets.UTF_8));
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        MountConfig config = new MountConfig(false, Duration.ofSeconds(60), List.of(), "ci", false);
        ops = new GuestMount(new CaseInsensitiveFileSystem(guest), config);
        mount = LocalMount.mount(mnt, ops, config);
    }

    @AfterEach
    void unmount() {
        if (mount != null) {
            mount.close();
            ops.close();
        }
    }

    /** Runs a shell script in the mountpoint: exit code and output (stdout and stderr). */
    private String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(mnt.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), script);
        return p.exitValue() + ": " + out.strip();
    }

    @Test
    void lettersAndNamesMatchInAnyCaseThroughTheKernel() throws Exception {
        assertEquals("0: C\nD", sh("ls"));
        assertEquals("0: MZ cmd", sh("cat c/windows/system32/CMD.EXE"));
        assertEquals("0: MZ cmd", sh("cat C/WINDOWS/System32/cmd.exe"));
        assertEquals("0: System32", sh("ls c/WINDOWS"));
        assertEquals("0: d", sh("cat d/DATA/STRAßE.TXT"));
        assertTrue(sh("cat c/windows/nope").startsWith("1: "));
    }

    @Test
    void changesWorkThroughAnySpellingAndTheTopLevelIsFixed() throws Exception {
        assertEquals("0: x", sh("echo x > c/windows/New.txt && cat C/Windows/NEW.TXT"));
        assertEquals("0: New.txt\nSystem32", sh("ls C/Windows"));
        assertEquals("0: y", sh("echo y > C/WINDOWS/new.txt && cat c/windows/New.txt"), "the existing file, rewritten");
        assertEquals("0: New.txt\nSystem32", sh("ls c/windows"), "no second file in another case");
        // a change of case: rename(2) does it (GNU mv refuses, seeing one file under both names)
        assertEquals("0: NEW.TXT\nSystem32",
                sh("perl -e 'rename(\"C/Windows/New.txt\", \"C/Windows/NEW.TXT\") or die $!' && ls C/Windows"));
        assertEquals("0: Drivers\nNEW.TXT\nSystem32", sh("mkdir c/windows/Drivers && ls C/Windows"));
        String refused = sh("mkdir E");
        assertTrue(refused.startsWith("1: ") && refused.contains("Operation not permitted"), refused);
        assertTrue(sh("mv D E").contains("Operation not permitted"));
        assertTrue(sh("rmdir d").contains("Operation not permitted"));
        assertEquals("0: C\nD", sh("ls"));
    }
}
