package io.jguest.daemon;

import io.jguest.api.Errno;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.PwriteView;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns one call frame into one reply frame: decodes the record, runs the handler, encodes the
 * result, and is the single place where a failure becomes an {@link ErrorReply} (guest errors keep
 * their errno; anything unexpected becomes EIO). {@link #handle} never throws. Thread-safe when the
 * handlers are.
 */
public final class Dispatcher {
    /** Record components that name what a call is about, in order of preference (for error replies). */
    private static final List<String> SUBJECTS = List.of("path", "dir", "from", "existing", "linkPath", "device");
    private static final ClassValue<RecordComponent> SUBJECT = new ClassValue<>() {
        @Override
        protected RecordComponent computeValue(Class<?> type) {
            RecordComponent[] components = type.isRecord() ? type.getRecordComponents() : new RecordComponent[0];
            for (String name : SUBJECTS) {
                for (RecordComponent c : components) {
                    if (c.getName().equals(name) && c.getType() == String.class) {
                        return c;
                    }
                }
            }
            return null;
        }
    };

    /** The largest reply body that fits in a frame. */
    static final int MAX_REPLY_BODY = Wire.MAX_FRAME - Wire.HEADER_BYTES;
    private static final int LISTER_THREADS = 8;
    /**
     * Lists the directories of one {@code ReaddirPlusMany} side by side: a cold walk waits mostly
     * for the disk (each directory block and inode-table block one virtio request), and requests in
     * flight together overlap in qemu and on the host's disk.
     */
    private static final ExecutorService LISTERS = Executors.newFixedThreadPool(LISTER_THREADS, r -> {
        Thread t = new Thread(r, "jguest-lister");
        t.setDaemon(true);
        return t;
    });

    /** Bytes of a PREAD reply body before the data: the byte string's length. */
    private static final int PREAD_DATA = 4;

    private final GuestFileSystem files;
    /** {@link #files} when it can read and write without copies, else null. */
    private final LocalFileSystem local;
    private final GuestSession session;
    private final Runnable prepareShutdown;
    private final Resumption resumption;

    /**
     * A dispatcher that cannot prepare a save (outside the appliance).
     *
     * @param prepareShutdown run for a {@link Calls.Shutdown} call before its reply (sync, unmount)
     */
    public Dispatcher(GuestFileSystem files, GuestSession session, Runnable prepareShutdown) {
        this(files, session, prepareShutdown, Resumption.unsupported());
    }

    Dispatcher(GuestFileSystem files, GuestSession session, Runnable prepareShutdown, Resumption resumption) {
        this.files = files;
        this.local = files instanceof LocalFileSystem l ? l : null;
        this.session = session;
        this.prepareShutdown = prepareShutdown;
        this.resumption = resumption;
    }

    /** The {@code REPLY} or {@code ERROR} frame answering a {@code CALL} frame. */
    public Frame handle(Frame frame) {
        Procedure procedure;
        try {
            procedure = Procedure.byId(frame.procedure());
        } catch (ProtocolException e) {
            return error(frame, Errno.EINVAL, null, e.getMessage());
        }
        if (frame.kind() != FrameKind.CALL) {
            return error(frame, Errno.EPROTO, null, "expected a CALL frame, got " + frame.kind());
        }
        if (procedure == Procedure.PWRITE && local != null) {
            return pwrite(frame);
        }
        Call<?> call;
        try {
            call = (Call<?>) RecordCodec.decode(frame.body(), procedure.callType());
            if (call == null) {
                throw new ProtocolException("null " + procedure + " call");
            }
        } catch (ProtocolException e) {
            return error(frame, Errno.EPROTO, null, procedure + ": " + e.getMessage());
        }
        long start = System.nanoTime();
        try {
            Object value = invoke(call);
            Frame reply = new Frame(frame.serial(), frame.procedure(), FrameKind.REPLY,
                    RecordCodec.encode(value, procedure.replyType()));
            logOk(procedure, frame, start);
            return reply;
        } catch (GuestFsException | RuntimeException | LinkageError | OutOfMemoryError e) {
            return failure(frame, procedure, call, start, e);
        }
    }

    /**
     * As {@link #handle(Frame)}, except that a PREAD call of local files is answered here: the file is
     * read straight into {@code out}'s reply buffer behind the frame header, and that frame is
     * written; null then, else the frame to send.
     */
    Frame handle(Frame frame, FrameChannel out) throws IOException {
        if (local == null || frame.procedure() != Procedure.PREAD.id() || frame.kind() != FrameKind.CALL) {
            return handle(frame);
        }
        Calls.Pread call;
        try {
            call = (Calls.Pread) RecordCodec.decode(frame.body(), Calls.Pread.class);
            if (call == null) {
                throw new ProtocolException("null PREAD call");
            }
        } catch (ProtocolException e) {
            return error(frame, Errno.EPROTO, null, Procedure.PREAD + ": " + e.getMessage());
        }
        int length = call.length();
        if (length < 0 || length > Wire.MAX_IO) {
            return handle(frame); // refused there, as for any file system
        }
        long start = System.nanoTime();
        SplicePipes pipes = out.splicePipes();
        if (pipes != null && length <= pipes.capacity()) {
            int n;
            try {
                n = local.spliceRead(call.handle(), call.offset(), length, pipes);
            } catch (GuestFsException | RuntimeException | LinkageError e) {
                out.discardSplicePipes();
                if (!(e instanceof GuestFsException g && g.errno() == Errno.EINVAL)) {
                    return failure(frame, Procedure.PREAD, call, start, e);
                }
                n = -1; // this filesystem cannot splice: copy below
            }
            if (n >= 0) {
                out.sendSpliced(frame.serial(), frame.procedure(), n);
                logOk(Procedure.PREAD, frame, start);
                return null;
            }
        }
        ByteBuffer b = out.replyBuffer(PREAD_DATA + length);
        int n;
        try {
            // the reply body is the byte string: its length, then the data
            n = local.pread(call.handle(), call.offset(),
                    MemorySegment.ofBuffer(b).asSlice(FrameChannel.PREFIX + PREAD_DATA, length));
        } catch (GuestFsException | RuntimeException | LinkageError | OutOfMemoryError e) {
            return failure(frame, Procedure.PREAD, call, start, e);
        }
        b.putInt(FrameChannel.PREFIX, n);
        out.sendReply(b, frame.serial(), frame.procedure(), FrameKind.REPLY, PREAD_DATA + n);
        logOk(Procedure.PREAD, frame, start);
        return null;
    }

    /** PWRITE of local files: the data is written from the frame body, not from a decoded copy. */
    private Frame pwrite(Frame frame) {
        PwriteView call;
        try {
            call = PwriteView.of(frame.body());
        } catch (ProtocolException e) {
            return error(frame, Errno.EPROTO, null, Procedure.PWRITE + ": " + e.getMessage());
        }
        long start = System.nanoTime();
        try {
            int n = local.pwrite(call.handle(), call.offset(), frame.body(), call.dataOffset(), call.length());
            Frame reply = new Frame(frame.serial(), frame.procedure(), FrameKind.REPLY,
                    RecordCodec.encode(n, Integer.class));
            logOk(Procedure.PWRITE, frame, start);
            return reply;
        } catch (GuestFsException | RuntimeException | LinkageError | OutOfMemoryError e) {
            return failure(frame, Procedure.PWRITE, null, start, e);
        }
    }

    private static void logOk(Procedure procedure, Frame frame, long start) {
        if (Log.isVerbose()) {
            Log.debug(procedure + " #" + frame.serial() + " ok " + micros(start) + " us");
        }
    }

    /** The single place where a failure of a call becomes an error reply. */
    private static Frame failure(Frame frame, Procedure procedure, Call<?> call, long start, Throwable failure) {
        return switch (failure) {
            case GuestFsException e -> {
                String path = e.path() != null ? e.path() : subject(call);
                if (Log.isVerbose()) {
                    Log.debug(procedure + " #" + frame.serial() + " " + path + ": " + e.errno() + " " + micros(start)
                            + " us");
                }
                yield error(frame, e.errno(), path, messageWithoutPath(e));
            }
            case OutOfMemoryError e -> error(frame, Errno.ENOMEM, subject(call), procedure + ": out of memory");
            case LinkageError e -> {
                Log.error(procedure + " #" + frame.serial() + " cannot run", e);
                yield error(frame, Errno.ENOSYS, subject(call), procedure + ": " + e);
            }
            default -> {
                Log.error(procedure + " #" + frame.serial() + " failed unexpectedly", failure);
                yield error(frame, Errno.EIO, subject(call), procedure + ": " + failure);
            }
        };
    }

    /** Runs the handler of {@code call} and returns its reply value (null for {@code Void}). */
    Object invoke(Call<?> call) throws GuestFsException {
        return switch (call) {
            case Calls.Ping c -> c.text();
            case Calls.ListDevices c -> new Calls.Devices(session.listDevices());
            case Calls.ListPartitions c -> new Calls.Partitions(session.listPartitions());
            case Calls.ListFilesystems c -> new Calls.Filesystems(session.listFilesystems());
            case Calls.LvmActivateAll c -> new Calls.LogicalVolumes(session.lvmActivateAll());
            case Calls.Mount c -> {
                session.mount(c.device(), c.mountpoint(), c.options(), c.fstype());
                yield null;
            }
            case Calls.UmountAll c -> {
                session.umountAll();
                yield null;
            }
            case Calls.InspectOs c -> session.inspectOs(c.explain());
            case Calls.Sync c -> {
                session.sync();
                yield null;
            }
            case Calls.Shutdown c -> {
                prepareShutdown.run();
                yield null;
            }
            case Calls.PrepareSave c -> {
                resumption.prepare();
                yield null;
            }
            case Calls.Status c -> resumption.status();
            case Calls.ReleaseDisks c -> {
                session.releaseDisks();
                yield null;
            }
            case Calls.AwaitDrives c -> {
                resumption.awaitDrives(c.drives());
                yield null;
            }
            case Calls.Resume c -> throw new GuestFsException(Errno.EPROTO, null,
                    "RESUME is only valid after PREPARE_SAVE, as the first call of a restored appliance");
            case Calls.Lstat c -> files.lstat(c.path());
            case Calls.Readdir c -> new Calls.Entries(files.readdir(c.path()));
            case Calls.ReaddirPlus c -> new Calls.Entries(files.readdirPlus(c.path()));
            case Calls.LstatList c -> new Calls.AttributesList(files.lstatList(c.dir(), c.names()));
            case Calls.Readlink c -> files.readlink(c.path());
            case Calls.Open c -> files.open(c.path(), c.flags(), c.mode());
            case Calls.Create c -> files.create(c.path(), c.flags(), c.mode(), c.uid(), c.gid());
            case Calls.ReaddirPlusMany c -> listings(c.dirs());
            case Calls.Pread c -> files.pread(c.handle(), c.offset(), c.length());
            case Calls.Pwrite c -> files.pwrite(c.handle(), c.offset(), c.data());
            case Calls.Fsync c -> {
                files.fsync(c.handle(), c.dataOnly());
                yield null;
            }
            case Calls.Fstat c -> files.fstat(c.handle());
            case Calls.Fchmod c -> {
                files.fchmod(c.handle(), c.mode());
                yield null;
            }
            case Calls.Fchown c -> {
                files.fchown(c.handle(), c.uid(), c.gid());
                yield null;
            }
            case Calls.Futimens c -> {
                files.futimens(c.handle(), c.atime(), c.mtime());
                yield null;
            }
            case Calls.Ftruncate c -> {
                files.ftruncate(c.handle(), c.size());
                yield null;
            }
            case Calls.CreateWrite c -> files.createWrite(c.path(), c.flags(), c.mode(), c.uid(), c.gid(), c.offset(),
                    c.data());
            case Calls.ReleaseMany c -> {
                releaseAll(c.handles());
                yield null;
            }
            case Calls.Release c -> {
                files.release(c.handle());
                yield null;
            }
            case Calls.Mkdir c -> {
                files.mkdir(c.path(), c.mode());
                yield null;
            }
            case Calls.Rmdir c -> {
                files.rmdir(c.path());
                yield null;
            }
            case Calls.Unlink c -> {
                files.unlink(c.path());
                yield null;
            }
            case Calls.Rename c -> {
                files.rename(c.from(), c.to(), c.flags());
                yield null;
            }
            case Calls.Symlink c -> {
                files.symlink(c.target(), c.linkPath());
                yield null;
            }
            case Calls.Link c -> {
                files.link(c.existing(), c.newPath());
                yield null;
            }
            case Calls.Mknod c -> {
                files.mknod(c.path(), c.mode(), c.rdev());
                yield null;
            }
            case Calls.Chmod c -> {
                files.chmod(c.path(), c.mode());
                yield null;
            }
            case Calls.Lchown c -> {
                files.lchown(c.path(), c.uid(), c.gid());
                yield null;
            }
            case Calls.Truncate c -> {
                files.truncate(c.path(), c.size());
                yield null;
            }
            case Calls.Utimens c -> {
                files.utimens(c.path(), c.atime(), c.mtime());
                yield null;
            }
            case Calls.Statvfs c -> files.statvfs(c.path());
            case Calls.Getxattr c -> files.getxattr(c.path(), c.name());
            case Calls.Listxattr c -> new Calls.Names(files.listxattr(c.path()));
            case Calls.Setxattr c -> {
                files.setxattr(c.path(), c.name(), c.value(), c.flags());
                yield null;
            }
            case Calls.Removexattr c -> {
                files.removexattr(c.path(), c.name());
                yield null;
            }
            default -> throw new GuestFsException(Errno.ENOSYS, null,
                    "no handler for " + call.getClass().getSimpleName());
        };
    }

    /**
     * The listings of the first of {@code dirs} whose replies fit in one frame together, null for a
     * directory that cannot be listed. At least one when {@code dirs} is not empty: null for a first
     * directory too big for any frame (its {@code ReaddirPlus} would fail with E2BIG too).
     */
    Calls.Listings listings(List<String> dirs) throws GuestFsException {
        if (dirs == null) {
            throw new GuestFsException(Errno.EINVAL, null, "dirs is null");
        }
        List<Future<Calls.Entries>> listed = new ArrayList<>(dirs.size());
        for (String dir : dirs) {
            listed.add(dirs.size() == 1 ? CompletableFuture.completedFuture(entriesOrNull(dir))
                    : LISTERS.submit(() -> entriesOrNull(dir)));
        }
        List<Calls.Entries> out = new ArrayList<>(dirs.size());
        long size = RecordCodec.encodedSize(new Calls.Listings(List.of()), Calls.Listings.class);
        try {
            for (Future<Calls.Entries> f : listed) {
                Calls.Entries entries = f.get();
                int n = RecordCodec.encodedSize(entries, Calls.Entries.class);
                if (size + n > MAX_REPLY_BODY) {
                    if (out.isEmpty()) {
                        out.add(null);
                    }
                    break;
                }
                size += n;
                out.add(entries);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFsException(Errno.EINTR, dirs.getFirst(), "interrupted while listing");
        } catch (ExecutionException e) {
            throw new GuestFsException(Errno.EIO, dirs.getFirst(), "listing failed: " + e.getCause());
        } finally {
            listed.forEach(f -> f.cancel(false));
        }
        return new Calls.Listings(out);
    }

    /** Releases every handle; the first failure is thrown once all were tried. */
    private void releaseAll(List<Long> handles) throws GuestFsException {
        if (handles == null) {
            throw new GuestFsException(Errno.EINVAL, null, "handles is null");
        }
        GuestFsException first = null;
        for (Long h : handles) {
            try {
                files.release(h == null ? -1 : h);
            } catch (GuestFsException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The listing of {@code dir} with attributes, null when it cannot be listed. */
    private Calls.Entries entriesOrNull(String dir) {
        try {
            return new Calls.Entries(files.readdirPlus(dir));
        } catch (GuestFsException e) {
            return null;
        }
    }

    private static Frame error(Frame call, Errno errno, String path, String message) {
        ErrorReply reply = new ErrorReply(errno.name(), path, message);
        return new Frame(call.serial(), call.procedure(), FrameKind.ERROR, RecordCodec.encode(reply, ErrorReply.class));
    }

    /** The path or device a call is about, for error replies whose exception did not name one. */
    static String subject(Call<?> call) {
        if (call == null) {
            return null;
        }
        RecordComponent c = SUBJECT.get(call.getClass());
        if (c == null) {
            return null;
        }
        try {
            return (String) c.getAccessor().invoke(call);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** {@link GuestFsException#getMessage()} starts with "path: "; the reply carries the path apart. */
    private static String messageWithoutPath(GuestFsException e) {
        String m = e.getMessage();
        String prefix = e.path() == null ? null : e.path() + ": ";
        return prefix != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static long micros(long start) {
        return (System.nanoTime() - start) / 1000;
    }
}
