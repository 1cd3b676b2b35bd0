package io.jguest.appliance;

import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestSession;
import io.jguest.protocol.Hello;

/**
 * A launched appliance with its drives attached: the one handle users of the appliance need.
 *
 * <pre>{@code
 * ApplianceConfig cfg = ApplianceConfig.builder().addDrive(Drive.readOnly(Path.of("disk.img"))).build();
 * try (Guest g = Guest.launch(cfg)) {
 *     g.mount("/dev/sda1", "/", "", null);
 *     List<DirEntry> root = g.readdir("/");
 * }
 * }</pre>
 *
 * <p>All calls are thread-safe and may be in flight at once. If the appliance dies, every call (and
 * every call in flight) fails with {@code GuestFsException(EIO)} promptly; nothing hangs.
 * {@link #close()} syncs and unmounts in the guest, waits a bounded time for qemu to exit, then kills
 * it; it is idempotent.
 */
public interface Guest extends GuestSession, GuestFileSystem, AutoCloseable {
    /** Builds (or reuses) the appliance, starts qemu, and returns once the daemon has said hello. */
    static Guest launch(ApplianceConfig config) throws ApplianceException {
        return io.jguest.appliance.launch.QemuGuest.launch(config);
    }

    /** The daemon's hello. */
    Hello hello();

    LaunchReport report();

    /** False once qemu has exited or the channel is closed. */
    boolean isAlive();

    /** The last lines of the console, for error messages. */
    String consoleTail();

    /**
     * The console so far with the host's arrival times (it keeps growing until {@link #close()}
     * returns; read it after that for the shutdown's lines), for boot analysis. Empty when this guest
     * keeps no console.
     */
    default ConsoleCapture console() {
        return ConsoleCapture.EMPTY;
    }

    /** Pings the daemon: one round trip. */
    String ping(String text) throws io.jguest.api.GuestFsException;

    /** The guest's clock, uptime, restore count and a sample of its random numbers: one round trip. */
    io.jguest.protocol.Calls.ApplianceStatus status() throws io.jguest.api.GuestFsException;

    /**
     * Whether {@link #attach}/{@link #detach} work: an appliance restored from its saved state (it has
     * QMP); a cold-booted one does not.
     */
    default boolean canHotPlug() {
        return false;
    }

    /**
     * Hot-plugs {@code drive}, always read-only (through an overlay: the image never changes), as the
     * only user disk, {@code /dev/sda}; returns once the daemon sees it. One at a time.
     *
     * @throws ApplianceException.BadDrive the image cannot be attached; the appliance stays usable
     * @throws ApplianceException          anything else (the appliance may be unusable: see {@link #isAlive()})
     */
    default void attach(Drive drive) throws ApplianceException {
        throw new ApplianceException("this appliance cannot hot-plug drives");
    }

    /** Removes the drive {@link #attach} added, once the daemon has released it; nothing if none. */
    default void detach() throws ApplianceException {
    }

    /**
     * Sends a non-maskable interrupt to the appliance (QMP {@code inject-nmi}). Its kernel panics on
     * it ({@code unknown_nmi_panic}): the panic prints every CPU's stack on the console, then qemu exits
     * ({@code panic=1}, {@code -no-reboot}), and every call fails with EIO. For diagnosing a hung
     * appliance and for the fault tests. Only an appliance with QMP ({@link #canHotPlug()}) can.
     *
     * @throws ApplianceException no QMP, or qemu refused
     */
    default void injectNmi() throws ApplianceException {
        throw new ApplianceException("this appliance has no QMP to send an NMI through");
    }

    /** Clean shutdown (sync, unmount, power off), bounded, then kill. Idempotent. */
    @Override
    void close();
}
