package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Drive;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.FakeGuest;
import io.jguest.cli.MountSpec;
import io.jguest.cli.Terminal;
import io.jguest.mountlocal.MountConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stops (what SIGTERM/SIGINT do) before and after the mount is ready. */
class MountSessionTest {
    @TempDir
    Path tmp;

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<MountSession> session = new AtomicReference<>();

    private MountSession session(Cli.Launcher launcher, Mounter mounter, MountSession.ReadySignal ready) throws IOException {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        MountPlan plan = new MountPlan(List.of(Drive.readOnly(tmp.resolve("d.img"))),
                List.of(new MountPlan.GuestMountRequest("/dev/sda1", MountSpec.parse("/dev/sda1"))), false, null, true,
                MountConfig.defaults(true), mnt, tmp.resolve("pid"), OptionalInt.empty(), true);
        Cli cli = new Cli(Terminal.of(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), launcher);
        MountSession s = new MountSession(cli, plan, mounter, ready, new MountRegistry(tmp.resolve("reg")));
        session.set(s);
        return s;
    }

    private FakeGuest guest() {
        return new FakeGuest().on("mount", a -> null).on("isAlive", a -> true).on("sync", a -> {
            events.add("sync");
            return null;
        });
    }

    @Test
    void aStopDuringLaunchFailsAndShutsTheApplianceDown() throws IOException {
        FakeGuest fake = guest();
        MountSession s = session(config -> {
            session.get().requestStop(); // the signal arrives while the appliance boots
            return fake.guest();
        }, (fs, mp, c) -> {
            throw new AssertionError("must not mount after a stop");
        }, () -> events.add("ready"));
        CliException e = assertThrows(CliException.class, s::run);
        assertTrue(e.getMessage().contains("stopped by a signal"), e::getMessage);
        assertTrue(fake.closed);
        assertFalse(events.contains("ready"));
        assertFalse(Files.exists(tmp.resolve("pid")));
        assertFalse(Thread.interrupted(), "the interrupt is not left behind");
    }

    @Test
    void aStopWhileMountedUnmountsSyncsAndEndsNormally() throws Exception {
        FakeGuest fake = guest();
        MountSession s = session(config -> fake.guest(), (fs, mp, c) -> {
            FakeLocalMount m = new FakeLocalMount(mp, events);
            m.whileMounted = () -> session.get().requestStop();
            return new Mounter.Served(m, () -> events.add("flush"));
        }, () -> events.add("ready"));
        assertEquals(0, s.run());
        assertEquals(List.of("ready", "close mount", "flush", "sync"), events);
        assertTrue(fake.closed);
        assertFalse(Files.exists(tmp.resolve("pid")));
        assertEquals(Optional.empty(), new MountRegistry(tmp.resolve("reg")).lookup(tmp.resolve("mnt")));
    }

    @Test
    void aFailedReadySignalUndoesTheMount() throws IOException {
        FakeGuest fake = guest();
        MountSession s = session(config -> fake.guest(), (fs, mp, c) ->
                new Mounter.Served(new FakeLocalMount(mp, events), () -> events.add("flush")), () -> {
                    throw new IOException("--fd=5: write(5): Broken pipe (EPIPE)");
                });
        IOException e = assertThrows(IOException.class, s::run);
        assertTrue(e.getMessage().contains("--fd=5"));
        assertEquals(List.of("close mount", "flush"), events, "unmounted; no sync since never ready");
        assertTrue(fake.closed);
    }
}
