package io.jguest.daemon;

import static io.jguest.api.OpenFlags.O_CREAT;
import static io.jguest.api.OpenFlags.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.daemon.block.CommandResult;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.block.LocalSession;
import io.jguest.daemon.block.ProcessRunner;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.protocol.Calls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A filesystem mounted on the sysroot itself after the daemon started must be what calls see, and
 * {@code UmountAll} must be able to unmount it. Needs root (mounts a tmpfs); skipped otherwise.
 */
class SysrootMountTest {
    private final ProcessRunner runner = new ProcessRunner();
    @TempDir
    Path dir;
    private boolean mounted;

    @AfterEach
    void cleanUp() throws Exception {
        if (mounted) {
            runner.run(List.of("umount", "-l", dir.toString()), Duration.ofSeconds(10));
        }
    }

    @Test
    void callsSeeMountsOnTheSysrootAndUmountAllRemovesThem() throws Exception {
        Sysroot sysroot = Sysroot.open(dir);
        LocalSession session = LocalSession.create(sysroot, runner, DeviceWait.none());
        try (LocalFileSystem files = new LocalFileSystem(sysroot)) {
            DispatcherClient client = new DispatcherClient(new Dispatcher(files, session, session::prepareShutdown));
            client.call(new Calls.Mkdir("/below", 0755));

            CommandResult r = runner.run(List.of("mount", "-t", "tmpfs", "jguest-test", dir.toString()),
                    Duration.ofSeconds(10));
            assumeTrue(r.succeeded(), "cannot mount a tmpfs here: " + r.errorText());
            mounted = true;

            assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class,
                    () -> client.call(new Calls.Lstat("/below"))).errno(), "the mount covers the directory");
            client.call(new Calls.Release(client.call(new Calls.Open("/on-tmpfs", O_CREAT | O_WRONLY, 0644))));
            assertEquals(List.of("on-tmpfs"),
                    client.call(new Calls.Readdir("/")).entries().stream().map(e -> e.name()).toList());

            client.call(new Calls.UmountAll());
            mounted = false;
            assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class,
                    () -> client.call(new Calls.Lstat("/on-tmpfs"))).errno());
            client.call(new Calls.Lstat("/below"));
            assertEquals(List.of("below"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
        }
    }
}
