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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory POSIX tree behind the {@link GuestFileSystem} contract: inodes with modes, owners,
 * nanosecond times, link counts, hard links, symlinks, device nodes, xattrs, open handles (which keep
 * an unlinked file) and setgid directories, with the errors a Linux guest gives. Counts calls per method (one per round trip, as the appliance
 * answers {@code create} and {@code readdirPlusMany} in one), and can be told to fail or to delay.
 */
final class MemoryGuestFileSystem implements GuestFileSystem {
    private static final int XATTR_CREATE = 1;
    private static final int XATTR_REPLACE = 2;
    private static final int S_ISGID = 02000;

    private static final class Node {
        final long ino;
        int mode;
        int uid;
        int gid;
        long nlink;
        long rdev;
        Timespec atime;
        Timespec mtime;
        Timespec ctime;
        byte[] data = new byte[0];
        long size;
        String target;
        final TreeMap<String, Node> children;
        final Map<String, byte[]> xattrs = new TreeMap<>();

        Node(long ino, int mode, Timespec now) {
            this.ino = ino;
            this.mode = mode;
            this.atime = now;
            this.mtime = now;
            this.ctime = now;
            this.children = FileType.ofMode(mode) == FileType.DIRECTORY ? new TreeMap<>() : null;
            this.nlink = children != null ? 2 : 1;
        }

        boolean isDir() {
            return children != null;
        }

        FileAttributes attrs() {
            long sz = isDir() ? 4096 : target != null ? target.length() : size;
            return new FileAttributes(ino, mode, nlink, uid, gid, rdev, sz, (sz + 511) / 512, 4096, atime, mtime, ctime);
        }
    }

    private record Handle(Node node, int flags) {
    }

    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, Errno> failures = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> bugs = new ConcurrentHashMap<>();
    private volatile Errno failAll;
    private volatile long delayMillis;
    /** Delays of the next pwrite calls, in call order (before {@link #delayMillis}). */
    private final ConcurrentLinkedQueue<Long> pwriteDelays = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pwritesActive = new AtomicInteger();
    private final AtomicInteger pwritesMaxActive = new AtomicInteger();
    private final Map<Long, Handle> handles = new HashMap<>();
    private long nextIno = 2;
    private long nextHandle = 100;
    private long clock = 1_700_000_000L;
    private final Node root;

    MemoryGuestFileSystem() {
        root = new Node(1, FileType.DIRECTORY.bits() | 0755, now());
    }

    // ------------------------------------------------------------- test controls

    /** Calls of {@code method} so far. */
    long calls(String method) {
        AtomicLong n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    long totalCalls() {
        return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Map<String, Long> callCounts() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    void resetCalls() {
        calls.clear();
    }

    /** The next pwrite calls, in the order they start, each take the given milliseconds first. */
    void delayPwrites(long... millis) {
        for (long m : millis) {
            pwriteDelays.add(m);
        }
    }

    /** The most pwrite calls that ran at the same time. */
    int maxConcurrentPwrites() {
        return pwritesMaxActive.get();
    }

    /** Every later call of {@code method} fails with {@code errno} (null: stops failing). */
    void failOn(String method, Errno errno) {
        if (errno == null) {
            failures.remove(method);
        } else {
            failures.put(method, errno);
        }
    }

    /** Every later call of {@code method} throws {@code bug} (a transport or decoding bug). */
    void throwOn(String method, RuntimeException bug) {
        bugs.put(method, bug);
    }

    /** Every later call fails with {@code errno}: a dead appliance is EIO (null: healthy again). */
    void failAll(Errno errno) {
        this.failAll = errno;
    }

    /** Every later call sleeps first (outside the lock, so calls still overlap). */
    void delay(long millis) {
        this.delayMillis = millis;
    }

    synchronized int openHandles() {
        return handles.size();
    }

    /** Test setup without counting: a file with content. */
    synchronized void put(String path, byte[] content) {
        try {
            Node n = make(path, FileType.REGULAR.bits() | 0644);
            n.data = content.clone();
            n.size = content.length;
        } catch (GuestFsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Test setup without counting: directories. */
    synchronized void dirs(String... paths) {
        try {
            for (String p : paths) {
                make(p, FileType.DIRECTORY.bits() | 0755);
            }
        } catch (GuestFsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The content of a file, read directly (not counted). */
    synchronized byte[] content(String path) throws GuestFsException {
        Node n = resolve(path);
        return Arrays.copyOf(n.data, (int) n.size);
    }

    /** The names in a directory, sorted, read directly (not counted). */
    synchronized List<String> names(String dir) throws GuestFsException {
        return new ArrayList<>(resolve(dir).children.keySet());
    }

    /** Attributes read directly (not counted). */
    synchronized FileAttributes stat(String path) throws GuestFsException {
        return resolve(path).attrs();
    }

    /** A change behind the mount's back (tests of expiry). */
    synchronized void chmodDirect(String path, int mode) throws GuestFsException {
        Node n = resolve(path);
        n.mode = (n.mode & FileType.S_IFMT) | mode;
    }

    // ------------------------------------------------------------- plumbing

    private void enter(String method, String path) throws GuestFsException {
        calls.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
        long d = delayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestFsException(Errno.EINTR, path, "interrupted");
            }
        }
        Errno all = failAll;
        if (all != null) {
            throw new GuestFsException(all, path, "appliance failure");
        }
        RuntimeException bug = bugs.get(method);
        if (bug != null) {
            throw bug;
        }
        Errno e = failures.get(method);
        if (e != null) {
            throw new GuestFsException(e, path, method + " failed");
        }
    }

    private Timespec now() {
        return new Timespec(++clock, 0);
    }

    private static GuestFsException err(Errno e, String path) {
        return new GuestFsException(e, path, e.name());
    }

    private static String[] split(String path) throws GuestFsException {
        if (!path.startsWith("/")) {
            throw err(Errno.EINVAL, path);
        }
        return path.equals("/") ? new String[0] : path.substring(1).split("/");
    }

    private Node resolve(String path) throws GuestFsException {
        Node n = root;
        for (String part : split(path)) {
            if (!n.isDir()) {
                throw err(Errno.ENOTDIR, path);
            }
            n = n.children.get(part);
            if (n == null) {
                throw err(Errno.ENOENT, path);
            }
        }
        return n;
    }

    private Node parentDir(String path) throws GuestFsException {
        String[] parts = split(path);
        if (parts.length == 0) {
            throw err(Errno.EBUSY, path);
        }
        Node p = resolve(MetadataCache.parent(path));
        if (!p.isDir()) {
            throw err(Errno.ENOTDIR, path);
        }
        return p;
    }

    private Node make(String path, int mode) throws GuestFsException {
        Node p = parentDir(path);
        String name = MetadataCache.name(path);
        if (p.children.containsKey(name)) {
            throw err(Errno.EEXIST, path);
        }
        Node n = new Node(nextIno++, mode, now());
        if ((p.mode & S_ISGID) != 0) {   // Linux: a setgid directory passes its group on, and its bit to directories
            n.gid = p.gid;
            if (n.isDir()) {
                n.mode |= S_ISGID;
            }
        }
        p.children.put(name, n);
        if (n.isDir()) {
            p.nlink++;
        }
        touch(p);
        return n;
    }

    private void touch(Node n) {
        Timespec t = now();
        n.mtime = t;
        n.ctime = t;
    }

    private Handle handle(long h) throws GuestFsException {
        Handle x = handles.get(h);
        if (x == null) {
            throw err(Errno.EBADF, "#" + h);
        }
        return x;
    }

    private void setSize(Node n, long size) {
        if (size > n.data.length) {
            n.data = Arrays.copyOf(n.data, (int) Math.max(size, Math.min((long) n.data.length * 2, Integer.MAX_VALUE - 8)));
        }
        if (size < n.size) {
            Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
        }
        n.size = size;
    }

    // ------------------------------------------------------------- GuestFileSystem

    @Override
    public FileAttributes lstat(String path) throws GuestFsException {
        enter("lstat", path);
        synchronized (this) {
            return resolve(path).attrs();
        }
    }

    private List<DirEntry> list(String path, boolean plus) throws GuestFsException {
        Node d = resolve(path);
        if (!d.isDir()) {
            throw err(Errno.ENOTDIR, path);
        }
        List<DirEntry> out = new ArrayList<>(d.children.size());
        d.children.forEach((name, n) -> out.add(new DirEntry(name, FileType.ofMode(n.mode), n.ino, plus ? n.attrs() : null)));
        return out;
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        enter("readdir", path);
        synchronized (this) {
            return list(path, false);
        }
    }

    @Override
    public List<DirEntry> readdirPlus(String path) throws GuestFsException {
        enter("readdirPlus", path);
        synchronized (this) {
            return list(path, true);
        }
    }

    @Override
    public List<List<DirEntry>> readdirPlusMany(List<String> dirs) throws GuestFsException {
        enter("readdirPlusMany", dirs.isEmpty() ? "/" : dirs.getFirst());
        synchronized (this) {
            List<List<DirEntry>> out = new ArrayList<>();
            for (String d : dirs) {
                try {
                    out.add(list(d, true));
                } catch (GuestFsException e) {
                    out.add(null);
                }
            }
            return out;
        }
    }

    @Override
    public List<FileAttributes> lstatList(String dir, List<String> names) throws GuestFsException {
        enter("lstatList", dir);
        synchronized (this) {
            List<FileAttributes> out = new ArrayList<>();
            for (String n : names) {
                try {
                    out.add(resolve(MetadataCache.child(dir, n)).attrs());
                } catch (GuestFsException e) {
                    out.add(null);
                }
            }
            return out;
        }
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        enter("readlink", path);
        synchronized (this) {
            Node n = resolve(path);
            if (n.target == null) {
                throw err(Errno.EINVAL, path);
            }
            return n.target;
        }
    }

    @Override
    public long open(String path, int flags, int mode) throws GuestFsException {
        enter("open", path);
        synchronized (this) {
            return openLocked(path, flags, mode).handle();
        }
    }

    private OpenFile openLocked(String path, int flags, int mode) throws GuestFsException {
        Node n;
        try {
            n = resolve(path);
            if ((flags & OpenFlags.O_CREAT) != 0 && (flags & OpenFlags.O_EXCL) != 0) {
                throw err(Errno.EEXIST, path);
            }
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT || (flags & OpenFlags.O_CREAT) == 0) {
                throw e;
            }
            n = make(path, FileType.REGULAR.bits() | (mode & 07777));
        }
        if (n.target != null) {
            throw err(Errno.ELOOP, path);
        }
        if (n.isDir() && (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY) {
            throw err(Errno.EISDIR, path);
        }
        if ((flags & OpenFlags.O_TRUNC) != 0 && (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY) {
            setSize(n, 0);
            touch(n);
        }
        long h = nextHandle++;
        handles.put(h, new Handle(n, flags));
        return new OpenFile(h, n.attrs());
    }

    @Override
    public OpenFile create(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        enter("create", path);
        synchronized (this) {
            return createLocked(path, flags, mode, uid, gid);
        }
    }

    private OpenFile createLocked(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        OpenFile of = openLocked(path, flags | OpenFlags.O_CREAT, mode);
        Node n = handles.get(of.handle()).node();
        if (uid != -1) {
            n.uid = uid;
        }
        if (gid != -1 && (parentDir(path).mode & S_ISGID) == 0) {
            n.gid = gid;
        }
        return new OpenFile(of.handle(), n.attrs());
    }

    /** One round trip, as the appliance serves it. */
    @Override
    public OpenFile createWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            throws GuestFsException {
        enter("createWrite", path);
        synchronized (this) {
            OpenFile of = createLocked(path, flags, mode, uid, gid);
            if (data.length > 0) {
                pwriteLocked(of.handle(), offset, data);
            }
            return new OpenFile(of.handle(), handles.get(of.handle()).node().attrs());
        }
    }

    @Override
    public byte[] pread(long handle, long offset, int length) throws GuestFsException {
        enter("pread", "#" + handle);
        synchronized (this) {
            Handle h = handle(handle);
            if (h.node().isDir()) {
                throw err(Errno.EISDIR, "#" + handle);
            }
            if ((h.flags() & OpenFlags.O_ACCMODE) == OpenFlags.O_WRONLY) {
                throw err(Errno.EBADF, "#" + handle);
            }
            if (length > GuestMount.MAX_IO) {
                throw err(Errno.EINVAL, "#" + handle);
            }
            Node n = h.node();
            if (offset >= n.size) {
                return new byte[0];
            }
            int len = (int) Math.min(length, n.size - offset);
            return Arrays.copyOfRange(n.data, (int) offset, (int) offset + len);
        }
    }

    @Override
    public int pwrite(long handle, long offset, byte[] data) throws GuestFsException {
        int active = pwritesActive.incrementAndGet();
        pwritesMaxActive.accumulateAndGet(active, Math::max);
        try {
            Long first = pwriteDelays.poll();
            if (first != null) {
                Thread.sleep(first);
            }
            return pwriteNow(handle, offset, data);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFsException(Errno.EINTR, "#" + handle, "interrupted");
        } finally {
            pwritesActive.decrementAndGet();
        }
    }

    private int pwriteNow(long handle, long offset, byte[] data) throws GuestFsException {
        enter("pwrite", "#" + handle);
        synchronized (this) {
            return pwriteLocked(handle, offset, data);
        }
    }

    private int pwriteLocked(long handle, long offset, byte[] data) throws GuestFsException {
        {
            Handle h = handle(handle);
            if ((h.flags() & OpenFlags.O_ACCMODE) == OpenFlags.O_RDONLY) {
                throw err(Errno.EBADF, "#" + handle);
            }
            if (data.length > GuestMount.MAX_IO) {
                throw err(Errno.EINVAL, "#" + handle);
            }
            Node n = h.node();
            long at = (h.flags() & OpenFlags.O_APPEND) != 0 ? n.size : offset;
            if (at + data.length > n.size) {
                setSize(n, at + data.length);
            }
            System.arraycopy(data, 0, n.data, (int) at, data.length);
            touch(n);
            return data.length;
        }
    }

    @Override
    public void fsync(long handle, boolean dataOnly) throws GuestFsException {
        enter("fsync", "#" + handle);
        synchronized (this) {
            handle(handle);
        }
    }

    @Override
    public void ftruncate(long handle, long size) throws GuestFsException {
        enter("ftruncate", "#" + handle);
        synchronized (this) {
            Node n = handle(handle).node();
            setSize(n, size);
            touch(n);
        }
    }

    @Override
    public FileAttributes fstat(long handle) throws GuestFsException {
        enter("fstat", "#" + handle);
        synchronized (this) {
            return handle(handle).node().attrs();
        }
    }

    @Override
    public void fchmod(long handle, int mode) throws GuestFsException {
        enter("fchmod", "#" + handle);
        synchronized (this) {
            chmod(handle(handle).node(), mode);
        }
    }

    @Override
    public void fchown(long handle, int uid, int gid) throws GuestFsException {
        enter("fchown", "#" + handle);
        synchronized (this) {
            chown(handle(handle).node(), uid, gid);
        }
    }

    @Override
    public void futimens(long handle, Timespec atime, Timespec mtime) throws GuestFsException {
        enter("futimens", "#" + handle);
        synchronized (this) {
            utimens(handle(handle).node(), atime, mtime);
        }
    }

    @Override
    public void release(long handle) throws GuestFsException {
        enter("release", "#" + handle);
        synchronized (this) {
            if (handles.remove(handle) == null) {
                throw err(Errno.EBADF, "#" + handle);
            }
        }
    }

    @Override
    public void mkdir(String path, int mode) throws GuestFsException {
        enter("mkdir", path);
        synchronized (this) {
            make(path, FileType.DIRECTORY.bits() | (mode & 07777));
        }
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        enter("rmdir", path);
        synchronized (this) {
            Node p = parentDir(path);
            Node n = resolve(path);
            if (!n.isDir()) {
                throw err(Errno.ENOTDIR, path);
            }
            if (!n.children.isEmpty()) {
                throw err(Errno.ENOTEMPTY, path);
            }
            p.children.remove(MetadataCache.name(path));
            p.nlink--;
            touch(p);
        }
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        enter("unlink", path);
        synchronized (this) {
            Node p = parentDir(path);
            Node n = resolve(path);
            if (n.isDir()) {
                throw err(Errno.EISDIR, path);
            }
            p.children.remove(MetadataCache.name(path));
            n.nlink--;
            n.ctime = now();
            touch(p);
        }
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        enter("rename", from);
        synchronized (this) {
            Node fp = parentDir(from);
            Node n = resolve(from);
            Node tp = parentDir(to);
            if (n.isDir() && (to + "/").startsWith(from + "/")) {
                throw err(Errno.EINVAL, to);
            }
            Node old = tp.children.get(MetadataCache.name(to));
            if (old == n) {
                return;
            }
            if (old != null) {
                if ((flags & 1) != 0) {
                    throw err(Errno.EEXIST, to);
                }
                if (old.isDir() && !n.isDir()) {
                    throw err(Errno.EISDIR, to);
                }
                if (!old.isDir() && n.isDir()) {
                    throw err(Errno.ENOTDIR, to);
                }
                if (old.isDir() && !old.children.isEmpty()) {
                    throw err(Errno.ENOTEMPTY, to);
                }
                old.nlink -= old.isDir() ? 2 : 1;
                if (old.isDir()) {
                    tp.nlink--;
                }
            }
            fp.children.remove(MetadataCache.name(from));
            tp.children.put(MetadataCache.name(to), n);
            if (n.isDir() && fp != tp) {
                fp.nlink--;
                tp.nlink++;
            }
            n.ctime = now();
            touch(fp);
            touch(tp);
        }
    }

    @Override
    public void symlink(String target, String linkPath) throws GuestFsException {
        enter("symlink", linkPath);
        synchronized (this) {
            Node n = make(linkPath, FileType.SYMLINK.bits() | 0777);
            n.target = target;
        }
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        enter("link", newPath);
        synchronized (this) {
            Node n = resolve(existing);
            if (n.isDir()) {
                throw err(Errno.EPERM, existing);
            }
            Node p = parentDir(newPath);
            String name = MetadataCache.name(newPath);
            if (p.children.containsKey(name)) {
                throw err(Errno.EEXIST, newPath);
            }
            p.children.put(name, n);
            n.nlink++;
            n.ctime = now();
            touch(p);
        }
    }

    @Override
    public void mknod(String path, int mode, long rdev) throws GuestFsException {
        enter("mknod", path);
        synchronized (this) {
            make(path, mode).rdev = rdev;
        }
    }

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        enter("chmod", path);
        synchronized (this) {
            chmod(resolve(path), mode);
        }
    }

    private void chmod(Node n, int mode) {
        n.mode = (n.mode & FileType.S_IFMT) | (mode & 07777);
        n.ctime = now();
    }

    @Override
    public void lchown(String path, int uid, int gid) throws GuestFsException {
        enter("lchown", path);
        synchronized (this) {
            chown(resolve(path), uid, gid);
        }
    }

    private void chown(Node n, int uid, int gid) {
        if (uid != -1) {
            n.uid = uid;
        }
        if (gid != -1) {
            n.gid = gid;
        }
        n.ctime = now();
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        enter("truncate", path);
        synchronized (this) {
            Node n = resolve(path);
            if (n.isDir()) {
                throw err(Errno.EISDIR, path);
            }
            setSize(n, size);
            touch(n);
        }
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        enter("utimens", path);
        synchronized (this) {
            utimens(resolve(path), atime, mtime);
        }
    }

    private void utimens(Node n, Timespec atime, Timespec mtime) {
        Timespec t = now();
        if (!atime.isOmit()) {
            n.atime = atime.isNow() ? t : atime;
        }
        if (!mtime.isOmit()) {
            n.mtime = mtime.isNow() ? t : mtime;
        }
        n.ctime = t;
    }

    @Override
    public StatVfs statvfs(String path) throws GuestFsException {
        enter("statvfs", path);
        synchronized (this) {
            resolve(path);
            return new StatVfs(4096, 4096, 1 << 20, 1 << 19, 1 << 19, 1 << 16, 1 << 15, 1 << 15, 42, 0, 255);
        }
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        enter("getxattr", path);
        synchronized (this) {
            byte[] v = resolve(path).xattrs.get(name);
            if (v == null) {
                throw err(Errno.ENODATA, path);
            }
            return v.clone();
        }
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        enter("listxattr", path);
        synchronized (this) {
            return new ArrayList<>(resolve(path).xattrs.keySet());
        }
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        enter("setxattr", path);
        synchronized (this) {
            Node n = resolve(path);
            boolean exists = n.xattrs.containsKey(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw err(Errno.EEXIST, path);
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw err(Errno.ENODATA, path);
            }
            n.xattrs.put(name, value.clone());
            n.ctime = now();
        }
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        enter("removexattr", path);
        synchronized (this) {
            Node n = resolve(path);
            if (n.xattrs.remove(name) == null) {
                throw err(Errno.ENODATA, path);
            }
            n.ctime = now();
        }
    }
}
