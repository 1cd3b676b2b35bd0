package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountRegistryTest {
    @TempDir
    Path tmp;

    private final ProcessIdentity me = ProcessIdentity.current();

    @Test
    void aLiveRegistrationIsFoundUntilRemoved() throws IOException {
        MountRegistry reg = new MountRegistry(tmp.resolve("jguest/mounts"));
        var r = new MountRegistry.Registration(Path.of("/mnt/a b"), me, List.of(me));
        reg.register(r);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(reg.dir())));
        assertEquals(Optional.of(r), reg.lookup(Path.of("/mnt/a b")));
        assertEquals(Optional.empty(), reg.lookup(Path.of("/mnt/other")));
        reg.remove(r);
        assertEquals(Optional.empty(), reg.lookup(Path.of("/mnt/a b")));
        try (var files = Files.list(reg.dir())) {
            assertEquals(0, files.count(), "no temp files left");
        }
    }

    @Test
    void aStaleRegistrationIsIgnoredAndDeleted() throws IOException {
        MountRegistry reg = new MountRegistry(tmp.resolve("mounts"));
        var dead = new MountRegistry.Registration(Path.of("/mnt/x"), new ProcessIdentity(me.pid(), me.startTime() - 1), List.of());
        reg.register(dead);
        assertTrue(Files.exists(reg.fileFor(Path.of("/mnt/x"))));
        assertEquals(Optional.empty(), reg.lookup(Path.of("/mnt/x")));
        assertFalse(Files.exists(reg.fileFor(Path.of("/mnt/x"))));
    }

    @Test
    void removingAnOlderRegistrationKeepsTheNewerOne() throws IOException {
        MountRegistry reg = new MountRegistry(tmp.resolve("mounts"));
        var older = new MountRegistry.Registration(Path.of("/mnt/x"), new ProcessIdentity(1, 1), List.of());
        var newer = new MountRegistry.Registration(Path.of("/mnt/x"), me, List.of());
        reg.register(older);
        reg.register(newer);
        reg.remove(older);
        assertEquals(Optional.of(newer), reg.lookup(Path.of("/mnt/x")));
    }

    @Test
    void anEntryStaysLiveWhileAHelperOfADeadServerRuns() throws IOException {
        MountRegistry reg = new MountRegistry(tmp.resolve("mounts"));
        var r = new MountRegistry.Registration(Path.of("/mnt/q"), new ProcessIdentity(me.pid(), me.startTime() - 1),
                List.of(me)); // guestmount killed, its qemu (here: this process) still running
        reg.register(r);
        assertEquals(Optional.of(r), reg.lookup(Path.of("/mnt/q")));
    }

    @Test
    void aSharedTmpDirectoryOpenToOthersIsRefused() throws IOException {
        Path top = Files.createDirectory(tmp.resolve("jguest-" + MountRegistry.uid()));
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwxrwxrwx"));
        MountRegistry reg = new MountRegistry(top.resolve("mounts"));
        var r = new MountRegistry.Registration(Path.of("/mnt/x"), me, List.of());
        IOException e = assertThrows(IOException.class, () -> reg.register(r));
        assertTrue(e.getMessage().contains("not a private directory"), e::getMessage);
    }

    @Test
    void aSymlinkedSharedTmpDirectoryIsRefused() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Path top = Files.createSymbolicLink(tmp.resolve("jguest-" + MountRegistry.uid()), elsewhere);
        MountRegistry reg = new MountRegistry(top.resolve("mounts"));
        var r = new MountRegistry.Registration(Path.of("/mnt/x"), me, List.of());
        assertThrows(IOException.class, () -> reg.register(r));
    }
}
