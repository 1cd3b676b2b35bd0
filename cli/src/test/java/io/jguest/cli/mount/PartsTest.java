package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.CliException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The small pure parts: /proc parsing, FUSE options, the re-exec command line. */
class PartsTest {
    @Nested
    class ProcStat {
        @Test
        void startTimeIsField22EvenWithSpacesAndParensInTheCommand() {
            String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 30 0 987654 1000 50";
            assertEquals(Optional.of(new ProcessIdentity(4242, 987654)), ProcessIdentity.parseStat(4242, stat));
        }

        @Test
        void zombiesAreNotAlive() {
            String stat = "7 (sh) Z 1 7 7 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 555 1000 50";
            assertEquals(Optional.empty(), ProcessIdentity.parseStat(7, stat));
        }

        @Test
        void thisProcessIsAliveAndAnotherStartTimeIsNot() {
            ProcessIdentity me = ProcessIdentity.current();
            assertTrue(me.isAlive());
            assertFalse(new ProcessIdentity(me.pid(), me.startTime() + 1).isAlive());
            assertEquals(me, ProcessIdentity.parse(me.format()));
        }
    }

    @Nested
    class Mountinfo {
        @Test
        void parsesFuseMountsWithEscapedSpaces() {
            MountTable t = MountTable.parse(List.of(
                    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                    "99 22 0:55 / /mnt/my\\040guest rw,nosuid,nodev,relatime shared:90 - fuse.jguest disk.img rw,user_id=0",
                    "garbage"));
            MountTable.Entry e = t.at(Path.of("/mnt/my guest")).orElseThrow();
            assertEquals("fuse.jguest", e.type());
            assertEquals("disk.img", e.source());
            assertTrue(e.isFuse());
            assertFalse(t.at(Path.of("/")).orElseThrow().isFuse());
            assertTrue(t.at(Path.of("/mnt")).isEmpty());
        }

        @Test
        void theTopmostMountWins() {
            MountTable t = MountTable.parse(List.of("30 1 0:1 / /m rw - tmpfs tmpfs rw", "31 30 0:2 / /m rw - fuse.jguest x rw"));
            assertEquals("fuse.jguest", t.at(Path.of("/m")).orElseThrow().type());
        }
    }

    @Nested
    class Fuse {
        @Test
        void splitsCommasAndKeepsEscapedOnes() throws CliException {
            assertEquals(List.of("allow_other", "uid=1000", "fsname=a,b", "kernel_cache"),
                    FuseOptions.parse(List.of("allow_other,uid=1000", "fsname=a\\,b", "kernel_cache")));
        }

        @Test
        void rejectsUnknownOptionsAndBadValuesNamingThem() {
            assertTrue(assertThrows(CliException.class, () -> FuseOptions.parse(List.of("bogus")))
                    .getMessage().contains("-o bogus: unknown FUSE option"));
            assertTrue(assertThrows(CliException.class, () -> FuseOptions.parse(List.of("ro")))
                    .getMessage().contains("--ro"));
            assertTrue(assertThrows(CliException.class, () -> FuseOptions.parse(List.of("uid")))
                    .getMessage().contains("needs a value"));
            assertTrue(assertThrows(CliException.class, () -> FuseOptions.parse(List.of("allow_other=1")))
                    .getMessage().contains("takes no value"));
        }

        @Test
        void helpHasOneLinePerOption() {
            var text = new java.io.StringWriter();
            FuseOptions.printHelp(new java.io.PrintWriter(text));
            List<String> lines = text.toString().lines().toList();
            assertEquals(FuseOptions.SUPPORTED.size() + 1, lines.size());
            assertTrue(lines.stream().anyMatch(l -> l.contains("uid=N") && l.contains("owned by")));
        }
    }

    @Nested
    class Reexec {
        @Test
        void keepsTheJvmOptionsUpToTheMainClass() {
            assertEquals(Optional.of(List.of("/jdk/bin/java", "-Xshare:auto", "-cp", "lib/*", "a.Main")),
                    SelfCommand.upToMain("/jdk/bin/java", List.of("-Xshare:auto", "-cp", "lib/*", "a.Main", "-a", "x"),
                            "a.Main"));
            assertEquals(Optional.empty(), SelfCommand.upToMain("/jdk/bin/java", List.of("-jar", "booter.jar"), "a.Main"));
        }

        @Test
        void aTestRunnerGetsAPlainCommand() {
            List<String> c = SelfCommand.forMain(GuestmountMain.class);
            assertEquals(GuestmountMain.class.getName(), c.getLast());
            assertTrue(c.getFirst().endsWith("/bin/java"), c::toString);
            assertTrue(c.containsAll(SelfCommand.JVM_FLAGS), c::toString);
        }
    }

    @Test
    void registryDirectoryFollowsXdgRuntimeDirElseTmp() {
        assertEquals(Path.of("/run/user/1000/jguest/mounts"),
                MountRegistry.defaultDir(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "jguest-1000", "mounts"),
                MountRegistry.defaultDir(Map.of(), 1000));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "jguest-7", "mounts"),
                MountRegistry.defaultDir(Map.of("XDG_RUNTIME_DIR", "relative"), 7));
    }

    @Test
    void logicalVolumesAreRecognisedForActivation() {
        assertTrue(MountSession.mayBeLogicalVolume("/dev/vg0/root"));
        assertTrue(MountSession.mayBeLogicalVolume("/dev/mapper/vg0-root"));
        assertFalse(MountSession.mayBeLogicalVolume("/dev/sda1"));
        assertFalse(MountSession.mayBeLogicalVolume("/dev/disk/by-label/x"));
    }
}
