package io.jguest.daemon;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.posix.Flags;
import io.jguest.daemon.posix.Libc;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.RecordCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the daemon does around a save of the VM state ({@link Calls.PrepareSave}) and after each
 * restore ({@link Calls.Resume}), and the {@link Calls.Status} it reports. A restored appliance is a
 * copy of one moment: its clock stands where it was saved and its random generator would repeat the
 * same numbers in every copy, so a resume sets the clock to the host's and reseeds the kernel's
 * generator with the host's fresh bytes. Processes started from then on (the tools the daemon runs)
 * get fresh random state; the daemon's own JVM keeps the address layout it had when it was saved.
 */
final class Resumption {
    /** The fewest entropy bytes a resume must bring. */
    static final int MIN_ENTROPY = 32;
    private static final Path URANDOM = Path.of("/dev/urandom");
    /** Idle time before the save, for background work (compilations) to end. */
    private static final long QUIET_MS = 300;

    /** Sets the guest's clock and mixes entropy into its kernel's generator (a seam for tests). */
    @FunctionalInterface
    interface Refresh {
        void refresh(long epochNanos, byte[] entropy) throws GuestFsException;
    }

    /** The real one: {@code clock_settime(CLOCK_REALTIME)}, {@code RNDADDENTROPY} and {@code RNDRESEEDCRNG}. */
    static final Refresh KERNEL = (epochNanos, entropy) -> {
        Libc.clockSettime(Flags.CLOCK_REALTIME, Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L));
        Libc.addEntropyAndReseed(URANDOM.toString(), entropy);
    };

    private final DeviceWait wait;
    private final Refresh refresh;
    private final boolean supported;
    private final long quietMillis;
    private final AtomicInteger resumes = new AtomicInteger();

    Resumption(DeviceWait wait, Refresh refresh, boolean supported, long quietMillis) {
        this.wait = wait;
        this.refresh = refresh;
        this.supported = supported;
        this.quietMillis = quietMillis;
    }

    /** The appliance's: prepares by waiting for {@code wait} (every module), resumes for real. */
    static Resumption appliance(DeviceWait wait) {
        return new Resumption(wait, KERNEL, true, QUIET_MS);
    }

    /** Outside the appliance (tests, the AOT training run): status only; no save, no resume. */
    static Resumption unsupported() {
        return new Resumption(DeviceWait.none(), (t, e) -> { }, false, 0);
    }

    /**
     * Before the save: nothing may still be loading, and what a resume runs has run once (decoding a
     * resume, setting the clock, adding entropy: the first run of such code costs a cold JVM tens of
     * ms of an emulated CPU, which every restored copy would pay again).
     */
    void prepare() throws GuestFsException {
        if (!supported) {
            throw new GuestFsException(Errno.ENOTSUP, null, "this daemon cannot be saved (not in the appliance)");
        }
        wait.await();
        Libc.prepareResume();
        byte[] entropy = new byte[MIN_ENTROPY];
        new java.security.SecureRandom().nextBytes(entropy);
        java.time.Instant now = java.time.Instant.now();
        Calls.Resume rehearsal = new Calls.Resume(now.getEpochSecond() * 1_000_000_000L + now.getNano(), entropy, 0,
                Log.isVerbose());
        try {
            rehearsal = (Calls.Resume) RecordCodec.decode(RecordCodec.encode(rehearsal, Calls.Resume.class),
                    Calls.Resume.class);
        } catch (ProtocolException e) {
            throw new GuestFsException(Errno.EIO, null, "cannot decode a resume: " + e.getMessage(), e);
        }
        // the guest's own time and entropy: changes nothing that matters
        refresh.refresh(rehearsal.epochNanos(), rehearsal.entropy());
        Libc.sync();
        try {
            Thread.sleep(quietMillis); // the JIT compiles what the warm-up made hot: let it finish before the save
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After a restore: the host's time, fresh entropy, the drive count, the verbosity.
     *
     * @throws GuestFsException EINVAL for a resume without enough entropy or with a negative drive
     *                          count; the errno of a failing system call
     */
    void resume(Calls.Resume r) throws GuestFsException {
        if (!supported) {
            throw new GuestFsException(Errno.ENOTSUP, null, "this daemon cannot be resumed (not in the appliance)");
        }
        if (r.entropy() == null || r.entropy().length < MIN_ENTROPY) {
            throw new GuestFsException(Errno.EINVAL, null, "a resume needs at least " + MIN_ENTROPY + " bytes of entropy");
        }
        if (r.drives() < 0) {
            throw new GuestFsException(Errno.EINVAL, null, "negative drive count " + r.drives());
        }
        Log.setVerbose(r.verbose());
        refresh.refresh(r.epochNanos(), r.entropy());
        wait.expectDrives(r.drives());
        resumes.incrementAndGet();
    }

    /**
     * Waits until exactly {@code drives} user disks are present (after a hot-plug or an unplug).
     *
     * @throws GuestFsException EINVAL for a negative count, ENOTSUP outside the appliance, ETIMEDOUT
     *                          when the disks do not match within the wait's bound
     */
    void awaitDrives(int drives) throws GuestFsException {
        if (!supported) {
            throw new GuestFsException(Errno.ENOTSUP, null, "this daemon has no hot-plugged disks (not in the appliance)");
        }
        if (drives < 0) {
            throw new GuestFsException(Errno.EINVAL, null, "negative drive count " + drives);
        }
        if (!wait.awaitExactly(drives)) {
            throw new GuestFsException(Errno.ETIMEDOUT, null, "the appliance does not show exactly " + drives
                    + " disks in time");
        }
    }

    /** The guest's clock and uptime, the resume count, and 16 bytes from {@code /dev/urandom}. */
    Calls.ApplianceStatus status() throws GuestFsException {
        byte[] random = new byte[16];
        try (InputStream in = Files.newInputStream(URANDOM)) {
            if (in.readNBytes(random, 0, random.length) != random.length) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new GuestFsException(Errno.EIO, URANDOM.toString(), "cannot read: " + e.getMessage(), e);
        }
        java.time.Instant now = java.time.Instant.now();
        return new Calls.ApplianceStatus(now.getEpochSecond() * 1_000_000_000L + now.getNano(),
                SystemInfo.uptimeMillis(), resumes.get(), random);
    }
}
