package io.jguest.appliance.saved;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.Timespec;
import io.jguest.appliance.rpc.RemoteGuest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exercises a freshly booted daemon before its state is saved, so that every restored copy starts
 * with the common calls compiled (the daemon's JVM compiles a method after a few hundred calls; a cold
 * daemon answers in 1-4 ms under TCG, a warm one in well under 1 ms). Works in a private directory of
 * the appliance's own sysroot (a small tmpfs) and removes it: files are created, written, read, listed,
 * renamed, linked and removed, from {@value #THREADS} threads at once, {@value #ROUNDS} rounds each;
 * then the session calls (listings, LVM, which runs tools) a few times.
 */
public final class Warmup {
    /** Part of a saved state's key: a state warmed up by an older warm-up is made anew. */
    static final String VERSION = "3";
    static final int ROUNDS = 60;
    static final int SMALL_BATCHES = 12;
    static final int SMALL_BATCH = 32;
    static final int THREADS = 2;
    /** Small enough for the 1 MiB sysroot with every thread's file in it. */
    static final int IO_BYTES = 128 * 1024;
    static final String DIR = "/.jguest-warmup";

    private Warmup() {
    }

    /**
     * Runs the warm-up; returns the number of calls made.
     *
     * @throws GuestFsException a call failed unexpectedly (the appliance is not fit to be saved)
     */
    public static int run(RemoteGuest g) throws GuestFsException, InterruptedException {
        g.mkdir(DIR, 0755);
        int calls = 1;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> Thread.ofPlatform().daemon()
                .name("jguest-warmup").unstarted(r));
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String dir = DIR + "/t" + t;
                runs.add(pool.submit(() -> rounds(g, dir)));
            }
            for (Future<Integer> f : runs) {
                calls += f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GuestFsException gfe) {
                throw gfe;
            }
            throw new GuestFsException(Errno.EIO, null, "warm-up failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        calls += smallFiles(g);
        for (int i = 0; i < 3; i++) {
            g.lvmActivateAll(); // runs the LVM tools: warms the daemon's process launching
            calls++;
        }
        for (int i = 0; i < 10; i++) {
            g.ping("warm");
            g.listDevices();
            g.listPartitions();
            g.listFilesystems();
            g.statvfs("/");
            calls += 5;
        }
        for (int i = 0; i < 5; i++) {
            g.inspectOs(i == 0); // no drives: loads inspection and compiles its rules once, before the save
            calls++;
        }
        g.rmdir(DIR);
        g.sync();
        return calls + 2;
    }

    /**
     * Small files as guestmount makes them when many are created (each with its data in one call,
     * closed {@value #SMALL_BATCH} at a time), until the daemon compiled that path.
     */
    private static int smallFiles(RemoteGuest g) throws GuestFsException {
        String dir = DIR + "/small";
        g.mkdir(dir, 0755);
        byte[] data = new byte[4096];
        int calls = 1;
        for (int batch = 0; batch < SMALL_BATCHES; batch++) {
            List<Long> open = new ArrayList<>();
            for (int i = 0; i < SMALL_BATCH; i++) {
                open.add(g.createWrite(dir + "/" + i, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644,
                        -1, -1, 0, data).handle());
            }
            g.releaseAllAsync(open).join();
            for (int i = 0; i < SMALL_BATCH; i++) {
                g.unlink(dir + "/" + i);
            }
            calls += 2 * SMALL_BATCH + 1;
        }
        g.rmdir(dir);
        return calls + 1;
    }

    private static int rounds(RemoteGuest g, String dir) throws GuestFsException {
        g.mkdir(dir, 0755);
        int calls = 1;
        byte[] data = new byte[IO_BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        for (int round = 0; round < ROUNDS; round++) {
            String file = dir + "/f";
            OpenFile created = g.create(file, OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644, -1, -1);
            g.pwrite(created.handle(), 0, data);
            byte[] back = g.pread(created.handle(), 0, IO_BYTES);
            if (back.length != IO_BYTES) {
                throw new GuestFsException(Errno.EIO, file, "read back " + back.length + " of " + IO_BYTES + " bytes");
            }
            g.pread(created.handle(), IO_BYTES / 2, 4096);
            g.fsync(created.handle(), true);
            g.release(created.handle());
            long h = g.open(file, OpenFlags.O_RDONLY, 0);
            g.pread(h, 0, 4096);
            g.release(h);
            g.lstat(file);
            g.lstat(dir);
            List<DirEntry> entries = g.readdirPlus(dir);
            g.readdir(dir);
            g.lstatList(dir, entries.stream().map(DirEntry::name).toList());
            g.readdirPlusMany(List.of(dir, DIR));
            g.chmod(file, 0600);
            g.utimens(file, Timespec.NOW, Timespec.OMIT);
            g.truncate(file, 4096);
            g.symlink("f", dir + "/l");
            g.readlink(dir + "/l");
            g.link(file, dir + "/h");
            g.rename(dir + "/h", dir + "/h2", 0);
            g.mkdir(dir + "/d", 0755);
            g.listxattr(file);
            try {
                g.getxattr(file, "user.none");
            } catch (GuestFsException expected) {
                // ENODATA or ENOTSUP: the error path is worth warming too
            }
            try {
                g.lstat(dir + "/missing");
            } catch (GuestFsException expected) {
                // ENOENT
            }
            g.rmdir(dir + "/d");
            g.unlink(dir + "/h2");
            g.unlink(dir + "/l");
            g.unlink(file);
            // a small file as guestmount makes one: created with its data, closed with others
            String small = dir + "/s";
            OpenFile made = g.createWrite(small, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, -1, -1,
                    0, Arrays.copyOf(data, 4096));
            g.releaseAllAsync(List.of(made.handle())).join();
            g.unlink(small);
            calls += 33;
        }
        g.rmdir(dir);
        return calls + 1;
    }
}
