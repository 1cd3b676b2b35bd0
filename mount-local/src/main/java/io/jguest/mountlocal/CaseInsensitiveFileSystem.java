package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Windows guest's drives as Windows users see them, over the appliance's namespace: names match
 * case-insensitively (as on Windows, where NTFS and FAT keep the case of a name but ignore it when
 * looking one up; under Linux, ntfs-3g and ntfs3 compare names exactly), and the top level, which
 * holds one directory per drive letter ({@code /C}, {@code /D}), cannot be changed.
 *
 * <p><b>Lookups.</b> Every operation first runs with the path as given: when the name exists in that
 * spelling it costs nothing extra (no listing on the hit path). An operation on an existing name that
 * fails with ENOENT resolves the path component by component and runs once more with the resolved
 * path: the last component is matched in its parent's listing ({@code readdir}; the exact name first,
 * else the first name equal under {@link #fold}), the parent being its remembered resolution, else
 * the parent as given, else resolved the same way one level up. Resolutions are remembered (folded
 * given path to real path, at most {@value #MAX_REMEMBERED}), so that the kernel's walk down
 * {@code /mnt/c/windows/system32}, one component at a time, lists one directory per step; every
 * {@code rename} and {@code rmdir} forgets them all (the only changes that move or remove a
 * directory; the appliance is ours alone), and a remembered directory that cannot be listed any more
 * is passed over.
 *
 * <p><b>New names</b> ({@code create}, {@code open} with {@code O_CREAT}, {@code mkdir},
 * {@code mknod}, {@code symlink}, the new name of {@code link}): the call runs as given; when its
 * parent does not exist in that spelling (ENOENT), the parent is resolved and the new name kept as
 * given unless the parent holds it in another case, which is then used (as Windows would). A FUSE
 * mount always looks a name up before creating it, and that lookup comes through {@link #lstat}
 * here, so a name that exists in another case is found then and never created twice. A
 * {@code rename} gets no such lookup of its target from the kernel's point of view (it replaces what
 * it finds), so its target is checked here: when it does not exist as given, its parent is listed
 * and a name existing in another case is replaced, unless that name is the source itself, which
 * makes the rename a change of case ({@code foo} to {@code FOO}). (Through a FUSE mount the kernel
 * sees both spellings as one file: {@code rename(2)} changes the case, GNU {@code mv} refuses to.)
 *
 * <p><b>The top level</b> is read-only: creating, removing or renaming a name directly under
 * {@code /}, or changing {@code /} itself, is {@link Errno#EPERM} ("operation not permitted", the
 * answer Linux gives for operations the object does not allow at all, whoever asks; EROFS would be
 * wrong since the drives below are writable, and EACCES suggests a permission that could be
 * granted). The drives' own root directories ({@code /C}) are the drives' and may be changed.
 *
 * <p>{@link GuestMount}'s cache folds names the same way when it sits over this class, so that
 * {@code /mnt/c/x} and {@code /mnt/C/X} share one cache entry. Thread-safe when the wrapped file
 * system is.
 */
public final class CaseInsensitiveFileSystem implements GuestFileSystem {
    /** Most resolutions remembered; the memory is emptied when it reaches this size. */
    static final int MAX_REMEMBERED = 4096;

    @FunctionalInterface
    private interface PathCall<T> {
        T run(String path) throws GuestFsException;
    }

    @FunctionalInterface
    private interface PathRun {
        void run(String path) throws GuestFsException;
    }

    private final GuestFileSystem fs;
    /** fold(given path) to its real path, for paths resolved after a miss (used for their children). */
    private final Map<String, String> resolvedDirs = new ConcurrentHashMap<>();

    public CaseInsensitiveFileSystem(GuestFileSystem fs) {
        this.fs = fs;
    }

    /**
     * The key two names are equal under: each code point upper-cased then lower-cased, without a
     * locale ({@link Character}'s mappings are locale-independent). One character for one, like the per-character up-case table NTFS compares with (so {@code ς}, {@code σ}
     * and {@code Σ} are one letter, and {@code ß} is not {@code SS}). Idempotent.
     */
    public static String fold(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                return foldFrom(name, i);
            }
        }
        return name;   // ASCII without upper case: the common case costs no copy
    }

    private static String foldFrom(String name, int start) {
        StringBuilder sb = new StringBuilder(name.length()).append(name, 0, start);
        name.codePoints().skip(name.codePointCount(0, start))
                .forEach(cp -> sb.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return sb.toString();
    }

    // ================================================================ lookups of existing names

    @Override
    public FileAttributes lstat(String path) throws GuestFsException {
        return existing(path, fs::lstat);
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        return existing(path, fs::readdir);
    }

    @Override
    public List<DirEntry> readdirPlus(String path) throws GuestFsException {
        return existing(path, fs::readdirPlus);
    }

    /** One round trip for all; a directory that could not be listed as given is retried alone, resolved. */
    @Override
    public List<List<DirEntry>> readdirPlusMany(List<String> dirs) throws GuestFsException {
        List<List<DirEntry>> lists = fs.readdirPlusMany(dirs);
        List<List<DirEntry>> out = null;
        for (int i = 0; i < lists.size() && i < dirs.size(); i++) {
            if (lists.get(i) != null) {
                continue;
            }
            String real = resolve(dirs.get(i));
            if (real == null || real.equals(dirs.get(i))) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(lists);
            }
            try {
                out.set(i, fs.readdirPlus(real));
            } catch (GuestFsException e) {
                if (e.errno() == Errno.EIO) {
                    throw e;
                }
            }
        }
        return out == null ? lists : out;
    }

    /**
     * One round trip; when the directory or some names are not found as given, they are matched in
     * the directory's listing (as given, else resolved) and the names found asked for again at once.
     */
    @Override
    public List<FileAttributes> lstatList(String dir, List<String> names) throws GuestFsException {
        List<FileAttributes> found;
        GuestFsException missing = null;
        try {
            found = fs.lstatList(dir, names);
            if (!found.contains(null)) {
                return found;
            }
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            found = null;
            missing = e;
        }
        Dir d = directory(dir);
        if (d == null) {
            if (missing != null) {
                throw missing;
            }
            return found;
        }
        List<FileAttributes> out = new ArrayList<>(names.size());
        List<Integer> again = new ArrayList<>();
        List<String> realNames = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            FileAttributes a = found == null || i >= found.size() ? null : found.get(i);
            out.add(a);
            String real = a == null ? match(d.entries(), names.get(i)) : null;
            if (real != null && !(real.equals(names.get(i)) && d.path().equals(dir))) {
                again.add(i);
                realNames.add(real);
            }
        }
        if (!again.isEmpty()) {
            List<FileAttributes> more = fs.lstatList(d.path(), realNames);
            for (int j = 0; j < again.size() && j < more.size(); j++) {
                out.set(again.get(j), more.get(j));
            }
        }
        return out;
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        return existing(path, fs::readlink);
    }

    @Override
    public long open(String path, int flags, int mode) throws GuestFsException {
        if ((flags & OpenFlags.O_CREAT) != 0) {
            return creating(path, p -> fs.open(p, flags, mode));
        }
        return existing(path, p -> fs.open(p, flags, mode));
    }

    /** Forwarded (the appliance answers it in one round trip), after the new-name rules. */
    @Override
    public OpenFile create(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        return creating(path, p -> fs.create(p, flags, mode, uid, gid));
    }

    @Override
    public OpenFile createWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            throws GuestFsException {
        return creating(path, p -> fs.createWrite(p, flags, mode, uid, gid, offset, data));
    }

    /** Synchronous: the name may need resolving first, which is a round trip of its own anyway. */
    @Override
    public CompletableFuture<OpenFile> createWriteAsync(String path, int flags, int mode, int uid, int gid, long offset,
                                                        byte[] data) {
        return GuestFileSystem.super.createWriteAsync(path, flags, mode, uid, gid, offset, data);
    }

    @Override
    public StatVfs statvfs(String path) throws GuestFsException {
        return existing(path, fs::statvfs);
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        return existing(path, p -> fs.getxattr(p, name));
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        return existing(path, fs::listxattr);
    }

    // ================================================================ open files (no paths)

    @Override
    public byte[] pread(long handle, long offset, int length) throws GuestFsException {
        return fs.pread(handle, offset, length);
    }

    @Override
    public int pwrite(long handle, long offset, byte[] data) throws GuestFsException {
        return fs.pwrite(handle, offset, data);
    }

    @Override
    public void fsync(long handle, boolean dataOnly) throws GuestFsException {
        fs.fsync(handle, dataOnly);
    }

    @Override
    public void ftruncate(long handle, long size) throws GuestFsException {
        fs.ftruncate(handle, size);
    }

    @Override
    public FileAttributes fstat(long handle) throws GuestFsException {
        return fs.fstat(handle);
    }

    @Override
    public void fchmod(long handle, int mode) throws GuestFsException {
        fs.fchmod(handle, mode);
    }

    @Override
    public void fchown(long handle, int uid, int gid) throws GuestFsException {
        fs.fchown(handle, uid, gid);
    }

    @Override
    public void futimens(long handle, Timespec atime, Timespec mtime) throws GuestFsException {
        fs.futimens(handle, atime, mtime);
    }

    @Override
    public void release(long handle) throws GuestFsException {
        fs.release(handle);
    }

    @Override
    public CompletableFuture<Void> releaseAllAsync(List<Long> handles) {
        return fs.releaseAllAsync(handles);
    }

    // ================================================================ namespace changes

    @Override
    public void mkdir(String path, int mode) throws GuestFsException {
        creating(path, p -> {
            fs.mkdir(p, mode);
            return null;
        });
    }

    @Override
    public void mknod(String path, int mode, long rdev) throws GuestFsException {
        creating(path, p -> {
            fs.mknod(p, mode, rdev);
            return null;
        });
    }

    /** The target is stored as given: it is the link's content, not a name looked up now. */
    @Override
    public void symlink(String target, String linkPath) throws GuestFsException {
        creating(linkPath, p -> {
            fs.symlink(target, p);
            return null;
        });
    }

    /** As given first; on ENOENT, the existing name resolved and the new one placed by the new-name rules. */
    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        topLevelName(newPath, "link");
        try {
            fs.link(existing, newPath);
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            String source = realPath(existing);
            String target = newName(newPath);
            if (target == null) {
                target = newPath;
            }
            if (source.equals(existing) && target.equals(newPath)) {
                throw e;
            }
            fs.link(source, target);
        }
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        topLevelName(path, "rmdir");
        try {
            change(path, fs::rmdir);
        } finally {
            resolvedDirs.clear();
        }
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        topLevelName(path, "unlink");
        change(path, fs::unlink);
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        topLevelName(from, "rename");
        topLevelName(to, "rename");
        try {
            String target = renameTarget(from, to);
            existing(from, f -> {
                fs.rename(f, target, flags);
                return null;
            });
        } finally {
            resolvedDirs.clear();
        }
    }

    /**
     * Where {@code to} is: as given when it exists so (one {@code lstat}); else in its resolved parent,
     * under the name it has there in another case unless that name is the source (a change of case).
     */
    private String renameTarget(String from, String to) throws GuestFsException {
        try {
            fs.lstat(to);
            return to;
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                return to;   // the rename reports it
            }
        }
        String placed = newName(to);
        if (placed == null || MetadataCache.name(placed).equals(MetadataCache.name(to))) {
            return placed == null ? to : placed;
        }
        return placed.equals(realPath(from)) ? MetadataCache.child(MetadataCache.parent(placed), MetadataCache.name(to)) : placed;
    }

    /** {@code path} as it exists: itself when it exists so, else resolved (itself when not found at all). */
    private String realPath(String path) throws GuestFsException {
        try {
            fs.lstat(path);
            return path;
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                return path;
            }
        }
        String real = resolve(path);
        return real == null ? path : real;
    }

    // ================================================================ metadata changes

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        change(path, p -> fs.chmod(p, mode));
    }

    @Override
    public void lchown(String path, int uid, int gid) throws GuestFsException {
        change(path, p -> fs.lchown(p, uid, gid));
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        change(path, p -> fs.truncate(p, size));
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        change(path, p -> fs.utimens(p, atime, mtime));
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        change(path, p -> fs.setxattr(p, name, value, flags));
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        change(path, p -> fs.removexattr(p, name));
    }

    // ================================================================ plumbing

    /** A change of an existing name: never of {@code /} itself. */
    private void change(String path, PathRun op) throws GuestFsException {
        if (path.equals("/")) {
            throw topLevel(path, "the top level holds the drive letters and cannot be changed");
        }
        existing(path, p -> {
            op.run(p);
            return null;
        });
    }

    /** Runs {@code op} on {@code path}; on ENOENT, once more on the resolved path if it differs. */
    private <T> T existing(String path, PathCall<T> op) throws GuestFsException {
        try {
            return op.run(path);
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            String real = resolve(path);
            if (real == null || real.equals(path)) {
                throw e;
            }
            return op.run(real);
        }
    }

    /**
     * Runs {@code op} making {@code path}; on ENOENT (its parent missing as given), once more where
     * {@link #newName} places it.
     */
    private <T> T creating(String path, PathCall<T> op) throws GuestFsException {
        topLevelName(path, "create");
        try {
            return op.run(path);
        } catch (GuestFsException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            String real = newName(path);
            if (real == null || real.equals(path)) {
                throw e;
            }
            return op.run(real);
        }
    }

    /**
     * Where a new name {@code path} goes: in its parent (as given, else resolved), under the name that
     * parent holds in another case if any, else as given; null when the parent is not found in any case.
     */
    private String newName(String path) throws GuestFsException {
        Dir dir = parentOf(path);
        if (dir == null) {
            return null;
        }
        String name = MetadataCache.name(path);
        String existingName = match(dir.entries(), name);
        return MetadataCache.child(dir.path(), existingName != null ? existingName : name);
    }

    /** EPERM for a name directly under {@code /}: the drive letters are fixed. */
    private static void topLevelName(String path, String what) throws GuestFsException {
        if (path.equals("/") || MetadataCache.parent(path).equals("/")) {
            throw topLevel(path, what + ": the top level holds the drive letters and cannot be changed");
        }
    }

    private static GuestFsException topLevel(String path, String message) {
        return new GuestFsException(Errno.EPERM, path, message);
    }

    /** A directory's real path and its entries. */
    private record Dir(String path, List<DirEntry> entries) {
    }

    /**
     * The real path of {@code path}: its parent's (remembered, else as given, else resolved the same
     * way, one level up) joined with the name matching its last component there. Null when some
     * component has no match in any case or a parent cannot be listed; EIO (a dead appliance) is thrown.
     */
    String resolve(String path) throws GuestFsException {
        if (path.equals("/")) {
            return "/";
        }
        Dir dir = parentOf(path);
        if (dir == null) {
            return null;
        }
        String name = match(dir.entries(), MetadataCache.name(path));
        if (name == null) {
            return null;
        }
        String real = MetadataCache.child(dir.path(), name);
        if (!real.equals(path)) {
            remember(path, real);
        }
        return real;
    }

    /** The parent directory of {@code path} with its listing, or null when it is not found in any case. */
    private Dir parentOf(String path) throws GuestFsException {
        return directory(MetadataCache.parent(path));
    }

    /** Directory {@code dir} (remembered, else as given, else resolved) with its listing, or null. */
    private Dir directory(String dir) throws GuestFsException {
        String known = resolvedDirs.get(fold(dir));
        if (known != null) {
            List<DirEntry> entries = list(known);
            if (entries != null) {
                return new Dir(known, entries);
            }
        }
        List<DirEntry> entries = list(dir);
        if (entries != null) {
            return new Dir(dir, entries);
        }
        String real = dir.equals("/") ? null : resolve(dir);
        if (real == null || real.equals(dir)) {
            return null;
        }
        entries = list(real);
        return entries == null ? null : new Dir(real, entries);
    }

    private void remember(String given, String real) {
        if (resolvedDirs.size() >= MAX_REMEMBERED) {
            resolvedDirs.clear();
        }
        resolvedDirs.put(fold(given), real);
    }

    /** The entries of {@code dir}, or null when it cannot be listed (EIO, a dead appliance, is thrown). */
    private List<DirEntry> list(String dir) throws GuestFsException {
        try {
            return fs.readdir(dir);
        } catch (GuestFsException e) {
            if (e.errno() == Errno.EIO) {
                throw e;
            }
            return null;
        }
    }

    /** {@code name} itself when listed, else the first entry equal to it under {@link #fold}, else null. */
    private static String match(List<DirEntry> entries, String name) {
        String folded = null;
        String found = null;
        for (DirEntry e : entries) {
            if (e.name().equals(name)) {
                return name;
            }
            if (found == null) {
                if (folded == null) {
                    folded = fold(name);
                }
                if (fold(e.name()).equals(folded)) {
                    found = e.name();
                }
            }
        }
        return found;
    }

    /** Resolutions remembered (tests). */
    int remembered() {
        return resolvedDirs.size();
    }
}
