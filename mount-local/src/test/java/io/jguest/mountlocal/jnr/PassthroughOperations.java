package io.jguest.mountlocal.jnr;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.mountlocal.Caller;
import io.jguest.mountlocal.MountOperations;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Test-only {@link MountOperations} over a host directory, so the jnr-fuse layer can be tested with
 * real FUSE and no appliance. Errors carry the errno the host kernel gave. {@link #refuseChanges}
 * makes every change EROFS; {@link #breakDown} makes every call fail as a dead appliance would.
 */
final class PassthroughOperations implements MountOperations {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int O_ACCMODE = 03, O_WRONLY = 01, O_RDWR = 02, O_TRUNC = 01000, O_EXCL = 0200;

    private final Path root;
    private final Map<Long, FileChannel> open = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    volatile boolean refuseChanges;
    volatile boolean brokenDown;

    PassthroughOperations(Path root) {
        this.root = root;
    }

    void breakDown() {
        brokenDown = true;
    }

    int openFiles() {
        return open.size();
    }

    private Path host(String path) {
        if (brokenDown) {
            throw new IllegalStateException("the appliance is gone");
        }
        return root.resolve(path.substring(1));
    }

    private Path change(String path) throws GuestFsException {
        Path p = host(path);
        if (refuseChanges) {
            throw new GuestFsException(Errno.EROFS, path, "read-only");
        }
        return p;
    }

    /** The host's errno for a java.nio failure. */
    private static GuestFsException error(String path, IOException e) {
        Errno errno = switch (e) {
            case NoSuchFileException x -> Errno.ENOENT;
            case FileAlreadyExistsException x -> Errno.EEXIST;
            case DirectoryNotEmptyException x -> Errno.ENOTEMPTY;
            case AccessDeniedException x -> Errno.EACCES;
            case NotDirectoryException x -> Errno.ENOTDIR;
            case NotLinkException x -> Errno.EINVAL;
            case FileSystemException x -> byReason(x.getReason());
            default -> byReason(e.getMessage());
        };
        return new GuestFsException(errno, path, e.getMessage(), e);
    }

    private static Errno byReason(String reason) {
        if (reason == null) {
            return Errno.EIO;
        }
        for (Object[] r : new Object[][] {{"Not a directory", Errno.ENOTDIR}, {"Is a directory", Errno.EISDIR},
                {"Directory not empty", Errno.ENOTEMPTY}, {"File exists", Errno.EEXIST},
                {"No such file", Errno.ENOENT}, {"No data available", Errno.ENODATA},
                {"Operation not permitted", Errno.EPERM}, {"Permission denied", Errno.EACCES},
                {"Invalid argument", Errno.EINVAL}, {"Too many levels", Errno.ELOOP},
                {"Numerical result out of range", Errno.ERANGE}, {"Operation not supported", Errno.ENOTSUP},
                {"Read-only file system", Errno.EROFS}, {"No space left", Errno.ENOSPC},
                {"Invalid cross-device link", Errno.EXDEV}}) {
            if (reason.contains((String) r[0])) {
                return (Errno) r[1];
            }
        }
        return Errno.EIO;
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(String path, IoCall<T> c) throws GuestFsException {
        try {
            return c.call();
        } catch (GuestFsException e) {
            throw e;
        } catch (IOException e) {
            throw error(path, e);
        }
    }

    private static Timespec ts(Object fileTime) {
        Instant i = ((FileTime) fileTime).toInstant();
        return new Timespec(i.getEpochSecond(), i.getNano());
    }

    private static FileAttributes attributes(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", NOFOLLOW);
        long size = (Long) a.get("size");
        return new FileAttributes((Long) a.get("ino"), (Integer) a.get("mode"), (Integer) a.get("nlink"),
                (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("rdev"), size, (size + 511) / 512, 4096,
                ts(a.get("lastAccessTime")), ts(a.get("lastModifiedTime")), ts(a.get("ctime")));
    }

    @Override
    public FileAttributes getattr(String path) throws GuestFsException {
        Path p = host(path);
        return io(path, () -> attributes(p));
    }

    @Override
    public FileAttributes fgetattr(String path, long fh) throws GuestFsException {
        return getattr(path);
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        Path p = host(path);
        return io(path, () -> {
            List<DirEntry> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : (Iterable<Path>) s::iterator) {
                    FileAttributes a = attributes(c);
                    out.add(new DirEntry(c.getFileName().toString(), a.type(), a.ino(), a));
                }
            }
            return out;
        });
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        Path p = host(path);
        return io(path, () -> Files.readSymbolicLink(p).toString());
    }

    @Override
    public long open(String path, int flags) throws GuestFsException {
        Path p = (flags & O_ACCMODE) == 0 ? host(path) : change(path);
        Set<OpenOption> o = options(flags);
        return io(path, () -> handle(FileChannel.open(p, o)));
    }

    private static Set<OpenOption> options(int flags) {
        Set<OpenOption> o = new HashSet<>();
        int acc = flags & O_ACCMODE;
        if (acc == 0 || acc == O_RDWR) {
            o.add(StandardOpenOption.READ);
        }
        if (acc == O_WRONLY || acc == O_RDWR) {
            o.add(StandardOpenOption.WRITE);
            if ((flags & O_TRUNC) != 0) {
                o.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
        }
        return o;
    }

    private long handle(FileChannel ch) {
        long fh = nextHandle.getAndIncrement();
        open.put(fh, ch);
        return fh;
    }

    private FileChannel channel(String path, long fh) throws GuestFsException {
        FileChannel ch = open.get(fh);
        if (brokenDown) {
            throw new IllegalStateException("the appliance is gone");
        }
        if (ch == null) {
            throw new GuestFsException(Errno.EBADF, path, "no open file " + fh);
        }
        return ch;
    }

    @Override
    public long create(String path, int flags, int mode, Caller caller) throws GuestFsException {
        Path p = change(path);
        Set<OpenOption> o = options((flags & ~O_ACCMODE) | O_RDWR);
        o.add((flags & O_EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
        return io(path, () -> {
            FileChannel ch = FileChannel.open(p, o);
            Files.setAttribute(p, "unix:mode", mode & 07777);
            owner(p, caller);
            return handle(ch);
        });
    }

    private static void owner(Path p, Caller caller) throws IOException {
        if ((Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW) != caller.uid()) {
            Files.setAttribute(p, "unix:uid", caller.uid(), NOFOLLOW);
        }
        if ((Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW) != caller.gid()) {
            Files.setAttribute(p, "unix:gid", caller.gid(), NOFOLLOW);
        }
    }

    @Override
    public byte[] read(String path, long fh, long offset, int size) throws GuestFsException {
        FileChannel ch = channel(path, fh);
        return io(path, () -> {
            ByteBuffer b = ByteBuffer.allocate(size);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    break;
                }
            }
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        });
    }

    @Override
    public int write(String path, long fh, long offset, byte[] data, int length) throws GuestFsException {
        FileChannel ch = channel(path, fh);
        return io(path, () -> {
            ByteBuffer b = ByteBuffer.wrap(data, 0, length);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
            return length;
        });
    }

    @Override
    public void flush(String path, long fh) throws GuestFsException {
        channel(path, fh);
    }

    @Override
    public void fsync(String path, long fh, boolean dataOnly) throws GuestFsException {
        FileChannel ch = channel(path, fh);
        io(path, () -> {
            ch.force(!dataOnly);
            return null;
        });
    }

    @Override
    public void release(String path, long fh) throws GuestFsException {
        FileChannel ch = open.remove(fh);
        if (ch != null) {
            io(path, () -> {
                ch.close();
                return null;
            });
        }
    }

    @Override
    public void mkdir(String path, int mode, Caller caller) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            Files.createDirectory(p);
            Files.setAttribute(p, "unix:mode", mode & 07777);
            owner(p, caller);
            return null;
        });
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            if (!Files.isDirectory(p, NOFOLLOW)) {
                throw Files.exists(p, NOFOLLOW) ? new NotDirectoryException(path) : new NoSuchFileException(path);
            }
            Files.delete(p);
            return null;
        });
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            if (Files.isDirectory(p, NOFOLLOW)) {
                throw new FileSystemException(path, null, "Is a directory");
            }
            Files.delete(p);
            return null;
        });
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        Path a = change(from);
        Path b = change(to);
        if (flags != 0) {
            throw new GuestFsException(Errno.EINVAL, from, "rename flags " + flags);
        }
        io(from, () -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void symlink(String target, String linkPath, Caller caller) throws GuestFsException {
        Path p = change(linkPath);
        io(linkPath, () -> {
            Files.createSymbolicLink(p, Path.of(target));
            owner(p, caller);
            return null;
        });
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        Path a = change(existing);
        Path b = change(newPath);
        io(newPath, () -> Files.createLink(b, a));
    }

    @Override
    public void mknod(String path, int mode, long rdev, Caller caller) throws GuestFsException {
        Path p = change(path);
        if (FileType.ofMode(mode) != FileType.REGULAR) {
            throw new GuestFsException(Errno.EPERM, path, "only regular files here");
        }
        io(path, () -> {
            Files.createFile(p);
            Files.setAttribute(p, "unix:mode", mode & 07777);
            owner(p, caller);
            return null;
        });
    }

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        Path p = change(path);
        io(path, () -> Files.setAttribute(p, "unix:mode", mode & 07777));
    }

    @Override
    public void chown(String path, int uid, int gid) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            if (uid != -1) {
                Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
            }
            if (gid != -1) {
                Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
            }
            return null;
        });
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(size);
            }
            return null;
        });
    }

    @Override
    public void ftruncate(String path, long fh, long size) throws GuestFsException {
        truncate(path, size);
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        Path p = change(path);
        io(path, () -> {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(time(mtime), time(atime), null);
            return null;
        });
    }

    private static FileTime time(Timespec t) {
        if (t.isOmit()) {
            return null;
        }
        return FileTime.from(t.isNow() ? Instant.now() : Instant.ofEpochSecond(t.sec(), t.nsec()));
    }

    @Override
    public StatVfs statfs(String path) throws GuestFsException {
        Path p = host(path);
        return io(path, () -> {
            FileStore s = Files.getFileStore(p);
            long bs = s.getBlockSize();
            return new StatVfs(bs, bs, s.getTotalSpace() / bs, s.getUnallocatedSpace() / bs, s.getUsableSpace() / bs,
                    1_000_000, 900_000, 900_000, 0, 0, 255);
        });
    }

    @Override
    public void access(String path, int mask, Caller caller) throws GuestFsException {
        FileAttributes a = getattr(path);
        if (mask == 0 || caller.uid() == 0) {
            return;
        }
        int shift = caller.uid() == a.uid() ? 6 : caller.gid() == a.gid() ? 3 : 0;
        if (((a.mode() >> shift) & mask) != mask) {
            throw new GuestFsException(Errno.EACCES, path, "mode " + Integer.toOctalString(a.permissions()));
        }
    }

    private static UserDefinedFileAttributeView xattrs(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
    }

    private static String userName(String path, String name) throws GuestFsException {
        if (!name.startsWith("user.")) {
            throw new GuestFsException(Errno.ENOTSUP, path, "only user.* xattrs here: " + name);
        }
        return name.substring(5);
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        Path p = host(path);
        String n = userName(path, name);
        return io(path, () -> {
            UserDefinedFileAttributeView v = xattrs(p);
            ByteBuffer b = ByteBuffer.allocate(v.size(n));
            v.read(n, b);
            return b.array();
        });
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        Path p = host(path);
        return io(path, () -> xattrs(p).list().stream().map(n -> "user." + n).toList());
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        Path p = change(path);
        String n = userName(path, name);
        io(path, () -> {
            UserDefinedFileAttributeView v = xattrs(p);
            boolean exists = v.list().contains(n);
            if ((flags & 1) != 0 && exists) {
                throw new FileAlreadyExistsException(path);
            }
            if ((flags & 2) != 0 && !exists) {
                throw new FileSystemException(path, null, "No data available");
            }
            v.write(n, ByteBuffer.wrap(value));
            return null;
        });
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        Path p = change(path);
        String n = userName(path, name);
        io(path, () -> {
            xattrs(p).delete(n);
            return null;
        });
    }
}
