package io.jguest.mountlocal.jnr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.In;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse 2's multithreaded session loop ({@code fuse_main} = {@code fuse_setup}, the
 * {@code fuse_loop_mt} worker loop, {@code fuse_teardown}), with the workers on JVM threads.
 *
 * <p>Why: libfuse's own workers are native threads, and jnr's callback stubs attach such a thread to
 * the JVM at every callback and detach it after (a {@code java.lang.Thread} built, stack guard pages
 * mapped and unmapped each time). Profiles of a small-file workload showed that as the biggest
 * single cost of a request on the host. Here every worker is a JVM thread that calls
 * {@code fuse_session_receive_buf} and {@code fuse_session_process_buf} itself, so callbacks run on
 * an attached thread.
 *
 * <p>Workers as in libfuse 2.9: one to start with; when a worker takes a request (other than a
 * FORGET) and none is left waiting for the next, another starts, up to {@link #MAX_WORKERS}. The loop
 * ends when a worker's read reports the end of the session (the kernel unmounted the filesystem or
 * aborted the connection, which wakes every reader) or fails; the others are then waited for, and
 * {@code fuse_teardown} runs only once all of them left libfuse (else its memory is left alone).
 */
final class FuseLoop {
    private static final Logger log = LoggerFactory.getLogger(FuseLoop.class);
    static final int MAX_WORKERS = 32;
    private static final long WORKERS_END_SECONDS = 5;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int FUSE_FORGET = 2;
    private static final int FUSE_BATCH_FORGET = 42;
    /** struct fuse_buf on LP64: size_t size, int flags, void *mem, int fd, off_t pos. */
    private static final int BUF_STRUCT = 40;
    private static final int BUF_SIZE = 0;
    private static final int BUF_FLAGS = 8;
    private static final int BUF_MEM = 16;
    private static final int BUF_FD = 24;
    private static final int BUF_POS = 32;
    /** fuse_buf_flags: the data is in a file descriptor (splice), not in memory. */
    private static final int FUSE_BUF_IS_FD = 1 << 1;

    /** The libfuse 2 calls that {@code fuse_main} makes, bound the way jnr-fuse binds its own. */
    public interface Lib {
        Pointer fuse_setup(int argc, String[] argv, @In FuseOperations op, @size_t long opSize,
                PointerByReference mountpoint, IntByReference multithreaded, Pointer userData);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer channel);

        @size_t long fuse_chan_bufsize(Pointer channel);

        int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer channelRef);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer channel);

        int fuse_session_exited(Pointer session);

        void fuse_session_exit(Pointer session);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);
    }

    private static volatile Lib lib;

    private final String name;
    private final Object lock = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private Pointer session;
    private Pointer firstChannel;
    private long bufferSize;
    private int available;      // workers waiting for a request, guarded by lock
    private boolean failed;     // a read failed other than by the session's end, guarded by lock
    private int ended;          // workers that left the loop, guarded by lock

    private FuseLoop(String name) {
        this.name = name;
    }

    /** Binds the calls (once); throws whatever the loader throws. */
    static Lib lib() {
        Lib l = lib;
        if (l == null) {
            l = LibraryLoader.create(Lib.class).failImmediately().load("libfuse.so.2");
            lib = l;
        }
        return l;
    }

    /**
     * What {@code fuse_main_real(args, ops)} does, with JVM workers: 0 once the session ended
     * normally, 1 when libfuse could not mount (it printed why on stderr) or a read failed.
     */
    static int run(String[] args, FuseOperations ops, String name) {
        return new FuseLoop(name).run(args, ops);
    }

    private int run(String[] args, FuseOperations ops) {
        Lib l = lib();
        PointerByReference mountpoint = new PointerByReference();
        IntByReference multithreaded = new IntByReference();
        Pointer fuse = l.fuse_setup(args.length, args, ops, Struct.size(ops), mountpoint, multithreaded, null);
        if (fuse == null) {
            return 1;
        }
        session = l.fuse_get_session(fuse);
        firstChannel = l.fuse_session_next_chan(session, null);
        bufferSize = l.fuse_chan_bufsize(firstChannel);
        synchronized (lock) {
            startWorker();
            while (ended == 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // the session's end is what ends this loop; keep waiting for it
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WORKERS_END_SECONDS);
            while (ended < workers.size() && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    // bounded by the deadline
                }
            }
            if (ended < workers.size()) {
                log.warn("{}: {} of {} FUSE workers are still inside libfuse; its session is left as is",
                        name, workers.size() - ended, workers.size());
                return 1;
            }
        }
        l.fuse_teardown(fuse, mountpoint.getValue());
        synchronized (lock) {
            return failed ? 1 : 0;
        }
    }

    /** Starts one more worker; the caller holds {@link #lock}. */
    private void startWorker() {
        available++;
        Thread t = new Thread(this::work, "jguest-fuse-worker-" + (workers.size() + 1));
        t.setDaemon(true);
        workers.add(t);
        t.start();
    }

    private void work() {
        Lib l = lib();
        Runtime runtime = Runtime.getSystemRuntime();
        Pointer buffer = Memory.allocateDirect(runtime, (int) bufferSize);
        Pointer buf = Memory.allocateDirect(runtime, BUF_STRUCT);
        Pointer channelRef = Memory.allocateDirect(runtime, runtime.addressSize());
        try {
            while (l.fuse_session_exited(session) == 0) {
                buf.putLong(BUF_SIZE, bufferSize);
                buf.putInt(BUF_FLAGS, 0);
                buf.putAddress(BUF_MEM, buffer.address());
                buf.putInt(BUF_FD, 0);
                buf.putLong(BUF_POS, 0);
                channelRef.putAddress(0, firstChannel.address());
                int res = l.fuse_session_receive_buf(session, buf, channelRef);
                if (res == -EINTR || res == -EAGAIN) {
                    continue;
                }
                if (res <= 0) {
                    if (res < 0) {
                        log.warn("{}: reading /dev/fuse failed (errno {})", name, -res);
                        l.fuse_session_exit(session);
                        synchronized (lock) {
                            failed = true;
                        }
                    }
                    break;
                }
                boolean forget = false;
                if ((buf.getInt(BUF_FLAGS) & FUSE_BUF_IS_FD) == 0) {
                    int opcode = buffer.getInt(4);
                    forget = opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET;
                }
                if (!forget) {
                    synchronized (lock) {
                        available--;
                        if (available == 0 && workers.size() < MAX_WORKERS) {
                            startWorker();
                        }
                    }
                }
                l.fuse_session_process_buf(session, buf, channelRef.getPointer(0));
                if (!forget) {
                    synchronized (lock) {
                        available++;
                    }
                }
            }
        } catch (Throwable e) {
            log.warn("{}: a FUSE worker failed: {}", name, e.toString(), e);
            l.fuse_session_exit(session);
            synchronized (lock) {
                failed = true;
            }
        } finally {
            synchronized (lock) {
                ended++;
                lock.notifyAll();
            }
        }
    }
}
