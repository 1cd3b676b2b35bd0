package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MountOperations} over a {@link GuestFileSystem}: what a FUSE mount of a guest filesystem
 * does, with as few round trips to the appliance as the access pattern allows.
 *
 * <ul>
 *   <li>Metadata comes from a {@link MetadataCache} valid for {@link MountConfig#cacheTimeout()}:
 *       {@code readdir} fetches every entry's attributes in one call so the {@code getattr} storm
 *       that follows costs nothing, names missing from a cached listing are ENOENT at once, and the
 *       listings of subdirectories are prefetched in the background ({@link ListingPrefetcher};
 *       system property {@code jguest.mount.prefetch=false} turns that off). Every change made
 *       through the mount drops what it may affect before it returns.</li>
 *   <li>Each open file is an {@link OpenHandle} with read-ahead (sequential reads served from
 *       chunks of up to {@link #MAX_IO}) and write-back (contiguous writes sent {@link #MAX_IO} at
 *       a time). Buffered writes of a file are sent before anything reads it, stats it or changes
 *       its metadata.</li>
 *   <li>A new file whose name the cache knows to be free is created in the guest together with its
 *       first write, sent in the background (or at its first flush if nothing was written), and
 *       {@code close(2)} waits for it: one round trip instead of two
 *       ({@link GuestFileSystem#createWrite}). Until then the kernel knows it by provisional
 *       attributes (a placeholder inode number, which the kernel replaces at the first write or
 *       stat after it); close(2) and fsync(2) report a failed creation. Anything that reaches the
 *       guest by name, or needs the guest's file (a read, a write-back), makes the deferred
 *       creations first, so nothing sees the guest other than the mount showed it. System property
 *       {@code jguest.mount.defer-create=false} turns that off.</li>
 *   <li>On a read-only mount every change is EROFS without a round trip.</li>
 *   <li>A name longer than {@link #NAME_MAX} UTF-16 units is ENAMETOOLONG without a round trip
 *       (FUSE lets names of up to 1024 bytes through). Longer than 255 bytes but not than 255 units
 *       is the guest filesystem's decision: ext4 refuses it, FAT and NTFS, which count UTF-16 units,
 *       accept it.</li>
 *   <li>New nodes belong to the caller; under a setgid directory their group is the directory's
 *       (the guest kernel's inheritance is left alone).</li>
 *   <li>A file unlinked while open: libfuse 2 keeps it under a hidden name ({@code .fuse_hidden...})
 *       by renaming it; here that rename unlinks it in the guest instead, whose open handles keep
 *       it (POSIX): no hidden file in any listing, link count 0, data usable until the last close.
 *       Its attributes come from {@code fstat} of a guest handle, and chmod, chown and utimens of it
 *       go through that handle too.</li>
 *   <li>Over a {@link CaseInsensitiveFileSystem} (a Windows guest's drive letters) the cache is
 *       case-insensitive as well: all spellings of a name share its entries.</li>
 * </ul>
 *
 * <p>Errors are the guest's {@link GuestFsException}; anything else becomes EIO naming the path.
 * Thread-safe; {@link #close()} sends buffered writes, releases every guest handle (waiting at most
 * {@link #CLOSE_TIMEOUT}) and makes every later operation EIO.
 */
public final class GuestMount implements MountOperations, AutoCloseable {
    /** Largest pread/pwrite the appliance serves (the protocol's {@code Wire.MAX_IO}). */
    public static final int MAX_IO = 4 * 1024 * 1024;
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** System property: "false" turns listing prefetch off (benchmarks). */
    public static final String PREFETCH_PROPERTY = "jguest.mount.prefetch";
    /** System property: "false" makes every creation a round trip at once (benchmarks). */
    public static final String DEFER_CREATE_PROPERTY = "jguest.mount.defer-create";
    private static final int S_IFREG = 0100000;
    private static final int O_DIRECT = 040000;
    /** Inode numbers no filesystem the appliance mounts hands out: provisional ones of deferred creations. */
    private static final long PLACEHOLDER_INO_BASE = 1L << 62;

    private static final Logger log = LoggerFactory.getLogger(GuestMount.class);
    private static final int R_OK = 4;
    private static final int W_OK = 2;
    private static final int X_OK = 1;
    private static final int RENAME_EXCHANGE = 2;
    private static final int S_ISGID = 02000;
    /** Longest name, in UTF-16 units, that any filesystem the appliance mounts accepts. */
    static final int NAME_MAX = 255;
    /** The name libfuse 2 gives a file it keeps because it was unlinked while open ({@code hide_node}). */
    private static final Pattern HIDDEN = Pattern.compile("\\.fuse_hidden[0-9a-f]{16}");

    @FunctionalInterface
    private interface GuestCall<T> {
        T run() throws GuestFsException;
    }

    @FunctionalInterface
    private interface GuestRun {
        void run() throws GuestFsException;
    }

    private final GuestFileSystem fs;
    private final MountConfig config;
    private final MetadataCache cache;
    /** Uncached lookups per directory since its listing was last fetched (see listParentOnRepeatedMiss). */
    private final ConcurrentHashMap<String, Integer> uncachedLookups = new ConcurrentHashMap<>();
    private static final String SECURITY_CAPABILITY = "security.capability";
    private final ListingPrefetcher prefetcher;
    private final ExecutorService io;
    private final Map<Long, OpenHandle> handles = new ConcurrentHashMap<>();
    /** Background closes of clean files, sent a few at a time. */
    private final ReleaseBatcher releases;
    /** Hidden names of unlinked open files (see {@link #hide}): no entry in the guest has them. */
    private final Set<String> unlinkedOpen = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OpenHandle.Listener sent = new OpenHandle.Listener() {
        @Override
        public void dataSent(OpenHandle handle) {
            GuestMount.this.dataSent(handle);
        }

        @Override
        public void created(OpenHandle handle, OpenFile made, GuestFsException failure) {
            deferred.remove(handle);
            String path = handle.path();
            if (made == null || made.attributes() == null) {
                cache.invalidateEntry(path);
                log.debug("{}: the deferred creation failed: {}", path, failure == null ? "?" : failure.getMessage());
                return;
            }
            cache.putFresh(path, made.attributes());   // the real inode number replaces the placeholder
        }
    };
    /** Open files whose creation is deferred and not made in the guest yet (see {@link #makeDeferred}). */
    private final Set<OpenHandle> deferred = ConcurrentHashMap.newKeySet();
    private final AtomicLong placeholders = new AtomicLong(PLACEHOLDER_INO_BASE);
    /**
     * Mode and group of directories deferred creations were made in, which a creation there
     * does not change (its cached attributes it does): forgotten at every change of a mode, an
     * owner, an ACL, or a name of a directory.
     */
    private final Map<String, FileAttributes> creationDirs = new ConcurrentHashMap<>();
    private final boolean deferCreates;

    public GuestMount(GuestFileSystem fs, MountConfig config) {
        this(fs, config, System::nanoTime, !"false".equalsIgnoreCase(System.getProperty(PREFETCH_PROPERTY)),
                !"false".equalsIgnoreCase(System.getProperty(DEFER_CREATE_PROPERTY)));
    }

    GuestMount(GuestFileSystem fs, MountConfig config, LongSupplier clock, boolean prefetch) {
        this(fs, config, clock, prefetch, true);
    }

    GuestMount(GuestFileSystem fs, MountConfig config, LongSupplier clock, boolean prefetch, boolean deferCreates) {
        this.fs = fs;
        this.config = config;
        this.cache = new MetadataCache(config.cacheTimeout(), clock, fs instanceof CaseInsensitiveFileSystem);
        this.prefetcher = prefetch && config.cacheTimeout().isPositive()
                ? new ListingPrefetcher(fs, cache, this::makeDeferred) : null;
        this.io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jguest-io-", 0).factory());
        this.releases = new ReleaseBatcher(fs);
        this.deferCreates = deferCreates;
    }

    // ================================================================ metadata

    @Override
    public FileAttributes getattr(String path) throws GuestFsException {
        return query(path, () -> {
            flushFile(path, -1);
            return unlinkedOpen.contains(path) ? unlinkedAttributes(path) : attributes(path);
        });
    }

    @Override
    public FileAttributes fgetattr(String path, long fh) throws GuestFsException {
        return query(path, () -> {
            OpenHandle h = handle(fh, path);
            flushFile(h.path(), h.ino());
            return path == null || unlinkedOpen.contains(h.path()) ? fs.fstat(h.guestHandle()) : attributes(h.path());
        });
    }

    /** The attributes of an unlinked open file, from a guest handle of it (link count 0). */
    private FileAttributes unlinkedAttributes(String hidden) throws GuestFsException {
        return fs.fstat(unlinkedHandle(hidden).guestHandle());
    }

    /** An open handle of the unlinked file libfuse calls {@code hidden}. */
    private OpenHandle unlinkedHandle(String hidden) throws GuestFsException {
        for (OpenHandle h : handles.values()) {
            if (h.path().equals(hidden)) {
                return h;
            }
        }
        throw noSuchFile(hidden);
    }

    private FileAttributes attributes(String path) throws GuestFsException {
        MetadataCache.Timed<FileAttributes> t = cache.attrs(path);
        if (t != null) {
            if (t.value() == null) {
                throw noSuchFile(path);
            }
            return t.value();
        }
        if (cache.absentFromListing(path)) {
            throw noSuchFile(path);
        }
        if (listParentOnRepeatedMiss(path)) {
            return attributes(path);
        }
        long[] stamp = stampForFetch();
        try {
            FileAttributes a = fs.lstat(path);
            cache.putAttrs(path, a, stamp);
            return a;
        } catch (GuestFsException e) {
            if (e.errno() == Errno.ENOENT) {
                cache.putAttrs(path, null, stamp);
            }
            throw e;
        }
    }

    /**
     * Lookups of names in a directory whose listing is not cached (a create storm, {@code stat} of
     * many files named on a command line): the first costs an {@code lstat}; from the second on, the
     * directory's listing is fetched once (one round trip) and answers every further lookup in it,
     * found or not. True when the listing is now cached.
     */
    private boolean listParentOnRepeatedMiss(String path) throws GuestFsException {
        if (path.equals("/")) {
            return false;
        }
        String dir = MetadataCache.parent(path);
        if (uncachedLookups.merge(dir, 1, Integer::sum) < 2) {
            return false;
        }
        uncachedLookups.remove(dir);
        long[] stamp = stampForFetch();
        List<DirEntry> entries;
        try {
            entries = fs.readdirPlus(dir);
        } catch (GuestFsException e) {
            if (e.errno() == Errno.EIO) {
                throw e;
            }
            return false;   // not a listable directory: the plain lstat will say why
        }
        cache.putListing(dir, entries, stamp, null);
        return cache.listing(dir) != null && (cache.attrs(path) != null || cache.absentFromListing(path));
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        return query(path, () -> {
            named(path);
            MetadataCache.Listing cached = cache.listing(path);
            if (cached == null && prefetcher != null) {
                prefetcher.awaitRunning(path);
                cached = cache.listing(path);
            }
            if (cached != null) {
                if (prefetcher != null && cached.group != null && cached.group.claim()) {
                    prefetcher.expand(cached.group);
                }
                return withCurrentAttributes(path, cached.entries);
            }
            long[] stamp = stampForFetch();
            List<DirEntry> entries = fs.readdirPlus(path);
            cache.putListing(path, entries, stamp, null);
            if (prefetcher != null) {
                prefetcher.prefetchChildren(path, entries);
            }
            return entries;
        });
    }

    /** A cached listing with each entry's attributes as cached now (null when not cached). */
    private List<DirEntry> withCurrentAttributes(String dir, List<DirEntry> entries) {
        List<DirEntry> out = new ArrayList<>(entries.size());
        for (DirEntry e : entries) {
            FileAttributes a = cache.peekAttrs(MetadataCache.child(dir, e.name()));
            out.add(a == e.attributes() ? e : new DirEntry(e.name(), e.type(), a == null ? e.ino() : a.ino(), a));
        }
        return out;
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        return query(path, () -> {
            MetadataCache.Timed<String> t = cache.link(path);
            if (t != null) {
                return t.value();
            }
            long[] stamp = stampForFetch();
            String target = fs.readlink(path);
            cache.putLink(path, target, stamp);
            return target;
        });
    }

    @Override
    public StatVfs statfs(String path) throws GuestFsException {
        return query(path, () -> fs.statvfs(path));
    }

    @Override
    public void access(String path, int mask, Caller caller) throws GuestFsException {
        query(path, () -> {
            if ((mask & W_OK) != 0 && config.readOnly()) {
                throw readOnly(path);
            }
            FileAttributes a = attributes(path);
            if (mask == 0 || caller.uid() == 0) {
                return null;
            }
            int shift = caller.uid() == a.uid() ? 6 : caller.gid() == a.gid() ? 3 : 0;
            int granted = (a.mode() >> shift) & 7;
            if ((mask & (R_OK | W_OK | X_OK) & ~granted) != 0) {
                throw new GuestFsException(Errno.EACCES, path, "permission denied (mode "
                        + Integer.toOctalString(a.permissions()) + ", uid " + caller.uid() + ")");
            }
            return null;
        });
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        return query(path, () -> {
            MetadataCache.Timed<byte[]> t = cache.xattr(path, name);
            if (t != null) {
                if (t.value() == null) {
                    throw GuestFsException.answer(Errno.ENODATA, path, "no attribute " + name);
                }
                return t.value().clone();
            }
            long[] stamp = stampForFetch();
            try {
                byte[] v = fs.getxattr(path, name);
                cache.putXattr(path, name, v.clone(), stamp);
                return v;
            } catch (GuestFsException e) {
                if (e.errno() == Errno.ENODATA) {
                    cache.putXattr(path, name, null, stamp);
                }
                throw e;
            }
        });
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        return query(path, () -> {
            MetadataCache.Timed<List<String>> t = cache.xattrList(path);
            if (t != null) {
                return t.value();
            }
            long[] stamp = stampForFetch();
            List<String> names = fs.listxattr(path);
            cache.putXattrList(path, names, stamp);
            return names;
        });
    }

    // ================================================================ files

    @Override
    public long open(String path, int flags) throws GuestFsException {
        return call(path, () -> {
            if (OpenFlags.isWrite(flags)) {
                writable(path);
            }
            if ((flags & OpenFlags.O_TRUNC) != 0) {
                flushFile(path, -1);
            }
            long guest = fs.open(path, flags, 0);
            FileAttributes known = cache.peekAttrs(path);
            long ino = known == null ? -1 : known.ino();
            if ((flags & OpenFlags.O_TRUNC) != 0) {
                fileChanged(path, ino);
                cache.invalidateAttrs(path);
            }
            return register(guest, path, flags, ino);
        });
    }

    @Override
    public long create(String path, int flags, int mode, Caller caller) throws GuestFsException {
        return call(path, () -> {
            writable(path);
            MetadataCache.Timed<FileAttributes> before = cache.attrs(path);
            boolean knownAbsent = (before != null && before.value() == null) || cache.absentFromListing(path);
            boolean isNew = (flags & OpenFlags.O_EXCL) != 0 || knownAbsent;
            if (knownAbsent && deferCreates && (flags & (OpenHandle.O_DSYNC | O_DIRECT)) == 0) {
                Long fh = createDeferred(path, flags, mode, caller);
                if (fh != null) {
                    return fh;
                }
            }
            OpenFile of = fs.create(path, flags | OpenFlags.O_CREAT, mode, owner(caller.uid()), owner(caller.gid()));
            FileAttributes a = of.attributes();
            if (a == null) {
                cache.invalidateEntry(path);
            } else {
                added(path, a);
            }
            fileChanged(path, a == null ? -1 : a.ino());
            if (isNew) {
                // A file this call made cannot carry file capabilities yet; the kernel asks for them
                // before every write(2) to a FUSE file, so answer that from the cache.
                cache.putXattr(path, SECURITY_CAPABILITY, null, cache.stamp());
            }
            return register(of.handle(), path, flags, a == null ? -1 : a.ino());
        });
    }

    /**
     * A new file created in the guest with its first write ({@link OpenHandle.Deferred}): its handle,
     * or null when the owner it gets cannot be told without a round trip (the parent's attributes
     * are not cached). The answer is what the guest makes: the mode asked for, the caller as owner
     * (root's files the guest's own), under a setgid directory the directory's group, times now,
     * and a placeholder inode number until the creation is made.
     */
    private Long createDeferred(String path, int flags, int mode, Caller caller) {
        if (MetadataCache.name(path).getBytes(StandardCharsets.UTF_8).length > 255) {
            return null;   // whether the guest takes the name is the guest's call, at open(2)
        }
        String parentPath = MetadataCache.parent(path);
        FileAttributes parent = cache.peekAttrs(parentPath);
        if (parent != null) {
            creationDirs.put(parentPath, parent);
        } else {
            parent = creationDirs.get(parentPath);
            if (parent == null) {
                return null;
            }
        }
        int uid = owner(caller.uid());
        int gid = owner(caller.gid());
        int group = (parent.mode() & S_ISGID) != 0 ? parent.gid() : gid == -1 ? 0 : gid;
        long ino = placeholders.getAndIncrement();
        Instant i = Instant.now();
        Timespec now = new Timespec(i.getEpochSecond(), i.getNano());
        FileAttributes provisional = new FileAttributes(ino, S_IFREG | (mode & 07777), 1, uid == -1 ? 0 : uid, group,
                0, 0, 0, parent.blksize(), now, now, now);
        added(path, provisional);
        fileChanged(path, ino);
        cache.putXattr(path, SECURITY_CAPABILITY, null, cache.stamp());
        int createFlags = (flags | OpenFlags.O_CREAT | OpenFlags.O_EXCL) & ~OpenFlags.O_TRUNC;
        return register(-1, path, flags, ino, new OpenHandle.Deferred(createFlags, mode & 07777, uid, gid));
    }

    /**
     * Makes every deferred creation in the guest (without its data, which stays buffered; a failure
     * is kept for that file's flush to report): operations by name then see the guest as the mount
     * showed it.
     */
    private void makeDeferred() {
        for (OpenHandle h : deferred) {
            h.ensureCreated();
        }
    }

    /**
     * The cache stamp for a fetch from the guest, taken before making the deferred creations: one
     * after it makes the fetched result stale (the cache drops it), one before it is in the guest
     * before the fetch starts.
     */
    private long[] stampForFetch() {
        long[] stamp = cache.stamp();
        makeDeferred();
        return stamp;
    }

    private long register(long guestHandle, String path, int flags, long ino) {
        return register(guestHandle, path, flags, ino, null);
    }

    private long register(long guestHandle, String path, int flags, long ino, OpenHandle.Deferred creation) {
        long fh = nextHandle.getAndIncrement();
        OpenHandle h = new OpenHandle(fs, io, sent, MAX_IO, guestHandle, path, flags, ino);
        if (creation != null) {
            h.defer(creation);
            deferred.add(h);
        }
        handles.put(fh, h);
        if (closed.get() && handles.remove(fh) != null && guestHandle >= 0) {   // close() ran meanwhile: do not leak it
            releaseQuietly(guestHandle);
        }
        return fh;
    }

    @Override
    public byte[] read(String path, long fh, long offset, int size) throws GuestFsException {
        return callOnHandle(path, () -> {
            OpenHandle h = handle(fh, path);
            flushFile(h.path(), h.ino());
            FileAttributes known = cache.peekAttrs(h.path());
            return h.read(offset, size, known == null ? -1 : known.size());
        });
    }

    @Override
    public int write(String path, long fh, long offset, byte[] data, int length) throws GuestFsException {
        return callOnHandle(path, () -> {
            writable(path);
            OpenHandle h = handle(fh, path);
            fileChanged(h.path(), h.ino());
            return h.write(offset, data, length);
        });
    }

    @Override
    public void flush(String path, long fh) throws GuestFsException {
        runOnHandle(path, () -> handle(fh, path).flushWrites(true));
    }

    @Override
    public void fsync(String path, long fh, boolean dataOnly) throws GuestFsException {
        runOnHandle(path, () -> {
            OpenHandle h = handle(fh, path);
            h.flushWrites(true);
            fs.fsync(h.guestHandle(), dataOnly);
        });
    }

    /**
     * Last close of an open file. With nothing left to send (the usual case: the kernel flushed at
     * close(2) and saw the result), the guest handle is closed in the background, with others
     * ({@link ReleaseBatcher}): nobody sees a FUSE release's result, so it need not cost the
     * application a round trip, nor the guest a call per file. Failures are logged; {@link #close()}
     * waits for these releases.
     */
    @Override
    public void release(String path, long fh) throws GuestFsException {
        runOnHandle(path, () -> {
            OpenHandle h = handles.remove(fh);
            if (h == null) {
                throw new GuestFsException(Errno.EBADF, path, "no open file " + fh);
            }
            if (path == null && handles.values().stream().noneMatch(o -> o.path().equals(h.path()))) {
                unlinkedOpen.remove(h.path());   // no name for libfuse to unlink after this last close
            }
            if (h.clean()) {
                releases.release(h.guestHandle());
                return;
            }
            try {
                h.release();
            } catch (GuestFsException e) {
                log.warn("{}: closing the file lost data or failed: {}", path, e.getMessage());
                throw e;
            }
        });
    }

    /** Waits for background releases and listing prefetches (tests; {@link #close()} for releases). */
    void settle() throws InterruptedException {
        awaitReleases();
        awaitPrefetch();
    }

    private void awaitReleases() {
        releases.flush();
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        run(path, () -> {
            writable(path);
            named(path);
            flushFile(path, -1);
            try {
                fs.truncate(path, size);
            } finally {
                FileAttributes known = cache.peekAttrs(path);
                fileChanged(path, known == null ? -1 : known.ino());
                cache.invalidateAttrs(path);
            }
        });
    }

    @Override
    public void ftruncate(String path, long fh, long size) throws GuestFsException {
        run(path, () -> {
            writable(path);
            OpenHandle h = handle(fh, path);
            flushFile(h.path(), h.ino());
            try {
                fs.ftruncate(h.guestHandle(), size);
            } finally {
                fileChanged(h.path(), h.ino());
                cache.invalidateAttrs(h.path());
            }
        });
    }

    // ================================================================ namespace

    @Override
    public void mkdir(String path, int mode, Caller caller) throws GuestFsException {
        makeNode(path, caller, () -> fs.mkdir(path, mode));
    }

    @Override
    public void symlink(String target, String linkPath, Caller caller) throws GuestFsException {
        makeNode(linkPath, caller, () -> fs.symlink(target, linkPath));
    }

    @Override
    public void mknod(String path, int mode, long rdev, Caller caller) throws GuestFsException {
        makeNode(path, caller, () -> fs.mknod(path, mode, rdev));
    }

    /**
     * Makes a node, gives it to the caller, and stats it right away: the kernel looks every new
     * node up at once, and with its attributes the parent's cached listing can gain it instead of
     * being dropped (so the next new name in that directory needs no lookup round trip either).
     */
    private void makeNode(String path, Caller caller, GuestRun make) throws GuestFsException {
        run(path, () -> {
            writable(path);
            try {
                make.run();
                int uid = owner(caller.uid());
                int gid = group(path, caller);
                if (uid != -1 || gid != -1) {
                    fs.lchown(path, uid, gid);
                }
            } catch (GuestFsException | RuntimeException e) {
                cache.invalidateEntry(path);
                throw e;
            }
            FileAttributes a;
            try {
                a = fs.lstat(path);
            } catch (GuestFsException e) {
                cache.invalidateEntry(path);
                return;   // made; the kernel's own lookup will report what is wrong
            }
            added(path, a);
            if (a.isDirectory()) {
                cache.putEmptyDirectory(path);
            }
        });
    }

    /** Our own change made {@code path} with attributes {@code a}. */
    private void added(String path, FileAttributes a) {
        cache.entryAdded(path, new DirEntry(MetadataCache.name(path), a.type(), a.ino(), a));
        cache.putFresh(path, a);
    }

    /** The owner to ask for: root's files are the appliance's own, so -1 (leaves setgid inheritance alone). */
    private static int owner(int id) {
        return id == 0 ? -1 : id;
    }

    /**
     * The group to give a new node of {@code caller}: -1 (the guest's choice) under a setgid
     * directory, whose group the guest kernel passes on (with the setgid bit, to a directory).
     * ({@link GuestFileSystem#create} applies the same rule itself, without a round trip.)
     */
    private int group(String path, Caller caller) throws GuestFsException {
        if (owner(caller.gid()) == -1) {
            return -1;
        }
        FileAttributes parent = attributes(MetadataCache.parent(path));
        return (parent.mode() & S_ISGID) != 0 ? -1 : caller.gid();
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        creationDirs.clear();
        releases.flush();   // a removed name frees its space now, not after the closes still waiting
        run(path, () -> {
            writable(path);
            try {
                fs.rmdir(path);
            } catch (GuestFsException | RuntimeException e) {
                cache.invalidateSubtree(path);
                throw e;
            }
            cache.entryRemoved(path, true);
        });
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        releases.flush();
        run(path, () -> {
            writable(path);
            if (unlinkedOpen.remove(path)) {
                return;   // libfuse drops the hidden name of a file unlinked while open at its last close
            }
            unlinkInGuest(path);
        });
    }

    private void unlinkInGuest(String path) throws GuestFsException {
        FileAttributes before = cache.peekAttrs(path);
        try {
            fs.unlink(path);
        } catch (GuestFsException | RuntimeException e) {
            cache.invalidateEntry(path);
            linkCountChanged(before);
            throw e;
        }
        cache.entryRemoved(path, false);
        linkCountChanged(before);
    }

    /**
     * libfuse 2 renames a file unlinked (or renamed over) while open to a hidden name and unlinks that
     * at the last close. The guest can do better: unlink it there, where its open handles keep it, and
     * remember the hidden name for libfuse's later calls (getattr answers from the open handles).
     * True when {@code from} was such a file; a rename to a hidden name of a file not open here is an
     * ordinary rename.
     */
    private boolean hide(String from, String to, int flags) throws GuestFsException {
        if (flags != 0 || !HIDDEN.matcher(MetadataCache.name(to)).matches()) {
            return false;
        }
        List<OpenHandle> open = handles.values().stream().filter(h -> h.path().equals(from)).toList();
        if (open.isEmpty()) {
            return false;
        }
        flushFile(from, -1);
        unlinkInGuest(from);
        unlinkedOpen.add(to);
        for (OpenHandle h : open) {
            h.path(to);
        }
        return true;
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        creationDirs.clear();
        releases.flush();
        run(from, () -> {
            writable(from);
            checkNameLengths(to);
            if (hide(from, to, flags)) {
                return;
            }
            FileAttributes source = cache.peekAttrs(from);
            FileAttributes target = cache.peekAttrs(to);
            DirEntry moved = cache.entry(from);
            DirEntry replaced = cache.entry(to);
            boolean targetAbsent = replaced == null && cache.listing(MetadataCache.parent(to)) != null;
            long sourceIno = moved != null ? moved.ino() : source != null ? source.ino() : -1;
            long targetIno = replaced != null ? replaced.ino() : target != null ? target.ino() : -1;
            // renaming one name of a file over another name of it does nothing: amend only when sure it differs
            boolean distinct = targetAbsent || (sourceIno >= 0 && targetIno >= 0 && sourceIno != targetIno)
                    || (source != null && (source.isDirectory() || source.nlink() == 1));
            try {
                fs.rename(from, to, flags);
            } catch (GuestFsException | RuntimeException e) {
                forget(from, source);
                forget(to, target);
                linkCountChanged(target);
                throw e;
            }
            for (OpenHandle h : handles.values()) {
                h.path(renamed(h.path(), from, to, flags));
            }
            List<String> hidden = List.copyOf(unlinkedOpen);   // libfuse names them under the new path now
            List<String> hiddenNow = hidden.stream().map(p -> renamed(p, from, to, flags)).toList();
            if (!hidden.equals(hiddenNow)) {
                unlinkedOpen.removeAll(hidden);
                unlinkedOpen.addAll(hiddenNow);
            }
            if (!distinct) {
                forget(from, source);
                forget(to, target);
                linkCountChanged(target);
                return;
            }
            boolean exchange = (flags & RENAME_EXCHANGE) != 0;
            cache.entryRemoved(from, isDirectory(source, moved));
            cache.entryRemoved(to, isDirectory(target, replaced));
            if (moved != null) {
                cache.entryAdded(to, new DirEntry(MetadataCache.name(to), moved.type(), moved.ino(), null));
            } else {
                cache.invalidateDirectory(MetadataCache.parent(to));
            }
            if (exchange) {
                if (replaced != null) {
                    cache.entryAdded(from, new DirEntry(MetadataCache.name(from), replaced.type(), replaced.ino(), null));
                } else {
                    cache.invalidateDirectory(MetadataCache.parent(from));
                }
            } else {
                linkCountChanged(target);
            }
        });
    }

    private static boolean isDirectory(FileAttributes known, DirEntry entry) {
        if (known != null) {
            return known.isDirectory();
        }
        return entry == null || entry.type() == FileType.DIRECTORY;   // unknown: assume the worst
    }

    private void forget(String path, FileAttributes known) {
        if (known != null && !known.isDirectory()) {
            cache.invalidateEntry(path);
        } else {
            cache.invalidateSubtree(path);
        }
    }

    /** Where an open file at {@code p} is after renaming {@code from} to {@code to}. */
    private static String renamed(String p, String from, String to, int flags) {
        boolean exchange = (flags & RENAME_EXCHANGE) != 0;
        if (p.equals(from) || p.startsWith(from + "/")) {
            return to + p.substring(from.length());
        }
        if (exchange && (p.equals(to) || p.startsWith(to + "/"))) {
            return from + p.substring(to.length());
        }
        return p;
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        run(newPath, () -> {
            writable(newPath);
            checkNameLengths(existing);
            FileAttributes before = cache.peekAttrs(existing);
            try {
                fs.link(existing, newPath);
            } catch (GuestFsException | RuntimeException e) {
                cache.invalidateEntry(newPath);
                cache.invalidateAttrs(existing);
                linkCountChanged(before);
                throw e;
            }
            cache.invalidateAttrs(existing);
            linkCountChanged(before);
            FileAttributes a;
            try {
                a = fs.lstat(newPath);   // the kernel looks the new name up at once
            } catch (GuestFsException e) {
                cache.invalidateEntry(newPath);
                return;
            }
            added(newPath, a);
            cache.putFresh(existing, a);
        });
    }

    /** The link count of a file changed: every other name of it we cached has a stale nlink. */
    private void linkCountChanged(FileAttributes before) {
        if (before == null) {
            cache.invalidateMultiLinked();
        } else if (!before.isDirectory()) {
            cache.invalidateInode(before.ino());
        }
    }

    // ================================================================ metadata changes

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        creationDirs.clear();
        changeAttributes(path, () -> fs.chmod(path, mode), h -> fs.fchmod(h, mode));
    }

    @Override
    public void chown(String path, int uid, int gid) throws GuestFsException {
        creationDirs.clear();
        changeAttributes(path, () -> fs.lchown(path, uid, gid), h -> fs.fchown(h, uid, gid));
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        changeAttributes(path, () -> fs.utimens(path, atime, mtime), h -> fs.futimens(h, atime, mtime));
    }

    @FunctionalInterface
    private interface HandleRun {
        void run(long guestHandle) throws GuestFsException;
    }

    /**
     * Sends the file's buffered writes first (they would change mtime, or drop setuid bits, after).
     * An unlinked open file (its hidden name) is changed through a guest handle of it.
     */
    private void changeAttributes(String path, GuestRun change, HandleRun unlinkedChange) throws GuestFsException {
        changeAttributes(path, () -> {
            if (unlinkedOpen.contains(path)) {
                unlinkedChange.run(unlinkedHandle(path).guestHandle());
            } else {
                change.run();
            }
        });
    }

    private void changeAttributes(String path, GuestRun change) throws GuestFsException {
        run(path, () -> {
            writable(path);
            named(path);
            flushFile(path, -1);
            try {
                change.run();
            } finally {
                cache.invalidateAttrs(path);
            }
        });
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        creationDirs.clear();
        changeXattrs(path, () -> fs.setxattr(path, name, value, flags));
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        creationDirs.clear();
        changeXattrs(path, () -> fs.removexattr(path, name));
    }

    private void changeXattrs(String path, GuestRun change) throws GuestFsException {
        changeAttributes(path, () -> {
            try {
                change.run();
            } finally {
                cache.invalidateXattrs(path);
            }
        });
    }

    // ================================================================ open files

    private OpenHandle handle(long fh, String path) throws GuestFsException {
        OpenHandle h = handles.get(fh);
        if (h == null) {
            throw new GuestFsException(Errno.EBADF, path, "no open file " + fh);
        }
        if (path != null && !path.equals(h.path())) {
            h.path(path);
        }
        return h;
    }

    /** Sends the buffered writes of every handle of the file (errors stay with their handle). */
    private void flushFile(String path, long ino) throws GuestFsException {
        for (OpenHandle h : handles.values()) {
            if (h.dirty() && h.sameFile(path, ino)) {
                h.flushWrites(false);
            }
        }
    }

    /** The file's data changes: read-ahead of every handle of it is stale. */
    private void fileChanged(String path, long ino) {
        for (OpenHandle h : handles.values()) {
            if (h.sameFile(path, ino)) {
                h.epoch.incrementAndGet();
            }
        }
    }

    private void dataSent(OpenHandle h) {
        fileChanged(h.path(), h.ino());
        cache.invalidateAttrs(h.path());
    }

    // ================================================================ plumbing

    private void writable(String path) throws GuestFsException {
        if (config.readOnly()) {
            throw readOnly(path);
        }
    }

    private static GuestFsException readOnly(String path) {
        return new GuestFsException(Errno.EROFS, path, "read-only mount");
    }

    /** ENAMETOOLONG for a name longer than {@link #NAME_MAX} UTF-16 units: no filesystem has it, none may get it. */
    private static void checkNameLengths(String path) throws GuestFsException {
        if (path == null || path.length() <= NAME_MAX) {
            return;
        }
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i - start > NAME_MAX) {
                    throw new GuestFsException(Errno.ENAMETOOLONG, path, "a name is longer than " + NAME_MAX
                            + " characters");
                }
                start = i + 1;
            }
        }
    }

    /** libfuse passes a null path for a node no name leads to: only the operations on open files handle it. */
    private static void named(String path) throws GuestFsException {
        if (path == null) {
            throw new GuestFsException(Errno.ENOENT, null, "no name leads to it any more");
        }
    }

    private static GuestFsException noSuchFile(String path) {
        return GuestFsException.answer(Errno.ENOENT, path, "no such file or directory");
    }

    /** An operation that may reach the guest by name: the deferred creations are made first. */
    private <T> T call(String path, GuestCall<T> body) throws GuestFsException {
        if (closed.get()) {
            throw new GuestFsException(Errno.EIO, path, "the mount is closed");
        }
        makeDeferred();
        return callOnHandle(path, body);
    }

    /**
     * A question answered from the cache where it can: what it fetches from the guest makes the
     * deferred creations first itself ({@link #stampForFetch}), so a cached answer costs nothing.
     */
    private <T> T query(String path, GuestCall<T> body) throws GuestFsException {
        return callOnHandle(path, body);
    }

    /** An operation on an open file's handle only, which makes its own deferred creation if it needs one. */
    private <T> T callOnHandle(String path, GuestCall<T> body) throws GuestFsException {
        if (closed.get()) {
            throw new GuestFsException(Errno.EIO, path, "the mount is closed");
        }
        checkNameLengths(path);
        try {
            return body.run();
        } catch (GuestFsException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("{}: unexpected failure: {}", path, e.toString());
            log.debug("{}: unexpected failure", path, e);
            throw new GuestFsException(Errno.EIO, path, "unexpected failure: " + e, e);
        }
    }

    private void run(String path, GuestRun body) throws GuestFsException {
        call(path, () -> {
            body.run();
            return null;
        });
    }

    private void runOnHandle(String path, GuestRun body) throws GuestFsException {
        callOnHandle(path, () -> {
            body.run();
            return null;
        });
    }

    private void releaseQuietly(long guestHandle) {
        try {
            fs.release(guestHandle);
        } catch (GuestFsException | RuntimeException e) {
            log.debug("releasing guest handle {} failed: {}", guestHandle, e.toString());
        }
    }

    /** Waits until background listing prefetches are done (tests). */
    void awaitPrefetch() throws InterruptedException {
        if (prefetcher != null) {
            prefetcher.awaitIdle();
        }
    }

    /** Number of open handles (tests). */
    int openHandles() {
        return handles.size();
    }

    /**
     * Sends every handle's buffered writes and releases every guest handle, waiting at most
     * {@link #CLOSE_TIMEOUT} (a dead guest cannot hang it); stops prefetching. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (prefetcher != null) {
            prefetcher.close();
        }
        List<OpenHandle> open = new ArrayList<>(handles.values());
        handles.clear();
        Thread closer = Thread.ofVirtual().name("jguest-mount-close").start(() -> {
            makeDeferred();
            releases.close();
            for (OpenHandle h : open) {
                try {
                    h.release();
                } catch (GuestFsException | RuntimeException e) {
                    log.warn("{}: closing the file at unmount failed: {}", h.path(), e.getMessage());
                }
            }
        });
        try {
            if (!closer.join(CLOSE_TIMEOUT)) {
                log.warn("the guest did not answer within {} s while closing {} open files; giving up",
                        CLOSE_TIMEOUT.toSeconds(), open.size());
                closer.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.shutdownNow();
        try {
            io.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
