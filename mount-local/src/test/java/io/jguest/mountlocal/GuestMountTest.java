package io.jguest.mountlocal;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFlags;
import io.jguest.api.Timespec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GuestMountTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;
    private static final int FUSE_IO = 128 * KIB;
    private static final int RW = OpenFlags.O_RDWR;
    private static final int WR = OpenFlags.O_WRONLY;
    private static final int RD = OpenFlags.O_RDONLY;
    private static final Caller USER = new Caller(1000, 100, 4242, 022);

    private final MemoryGuestFileSystem fs = new MemoryGuestFileSystem();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private GuestMount mount;

    private GuestMount mount(boolean readOnly, boolean prefetch) {
        MountConfig config = new MountConfig(readOnly, Duration.ofSeconds(60), List.of(), "test", false);
        mount = new GuestMount(fs, config, clock::get, prefetch);
        return mount;
    }

    private GuestMount mount() {
        return mount(false, false);
    }

    @AfterEach
    void closeMount() {
        if (mount != null) {
            mount.close();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Errno errno(Executable e) {
        return assertThrows(GuestFsException.class, e).errno();
    }

    private static List<String> names(List<DirEntry> entries) {
        return entries.stream().map(DirEntry::name).toList();
    }

    /** Writes {@code data} in FUSE-sized pieces. */
    private static void writeAll(GuestMount m, String path, long fh, byte[] data) throws GuestFsException {
        for (int off = 0; off < data.length; off += FUSE_IO) {
            int len = Math.min(FUSE_IO, data.length - off);
            byte[] piece = java.util.Arrays.copyOfRange(data, off, off + len);
            assertEquals(len, m.write(path, fh, off, piece, len));
        }
    }

    /** Reads a whole file in FUSE-sized pieces, as the kernel does. */
    private static byte[] readAll(GuestMount m, String path, long fh) throws GuestFsException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long off = 0;
        while (true) {
            byte[] b = m.read(path, fh, off, FUSE_IO);
            out.writeBytes(b);
            off += b.length;
            if (b.length < FUSE_IO) {
                return out.toByteArray();
            }
        }
    }

    // ================================================================ access patterns

    @Test
    @DisplayName("editor save: write a temp file, fsync, rename over the original")
    void editorSave() throws Exception {
        fs.put("/notes.txt", "old".getBytes());
        GuestMount m = mount();
        assertEquals(3, m.getattr("/notes.txt").size());
        assertEquals(List.of("notes.txt"), names(m.readdir("/")));

        long fh = m.create("/.notes.txt.swp", WR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, USER);
        assertEquals(0, m.fgetattr("/.notes.txt.swp", fh).size());
        byte[] text = "new contents\n".getBytes();
        m.write("/.notes.txt.swp", fh, 0, text, text.length);
        m.fsync("/.notes.txt.swp", fh, false);
        m.flush("/.notes.txt.swp", fh);
        m.release("/.notes.txt.swp", fh);
        m.rename("/.notes.txt.swp", "/notes.txt", 0);

        assertEquals(List.of("notes.txt"), names(m.readdir("/")));
        FileAttributes a = m.getattr("/notes.txt");
        assertEquals(text.length, a.size());
        assertEquals(1000, a.uid());
        assertEquals(100, a.gid());
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/.notes.txt.swp")));
        long rd = m.open("/notes.txt", RD);
        assertArrayEquals(text, m.read("/notes.txt", rd, 0, FUSE_IO));
        m.release("/notes.txt", rd);
        assertEquals(1, fs.calls("fsync"));
        m.settle();
        assertEquals(0, fs.openHandles());
    }

    @Test
    @DisplayName("cp -a of a tree: mkdir, create, write, chown, chmod, utimens, symlink")
    void copyTree() throws Exception {
        GuestMount m = mount();
        Timespec stamp = new Timespec(1_500_000_000L, 123_456_789);
        m.mkdir("/dst", 0700, USER);
        m.mkdir("/dst/sub", 0700, USER);
        for (int i = 0; i < 20; i++) {
            String p = "/dst/sub/f" + i;
            long fh = m.create(p, WR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0600, USER);
            byte[] data = bytes(1000 + i * 5000, i);
            writeAll(m, p, fh, data);
            m.flush(p, fh);
            m.release(p, fh);
            m.chown(p, 1000, 100);
            m.chmod(p, 0640);
            m.utimens(p, stamp, stamp);
            FileAttributes a = m.getattr(p);
            assertEquals(data.length, a.size());
            assertEquals(0640, a.permissions());
            assertEquals(stamp, a.mtime());
            assertArrayEquals(data, fs.content(p));
        }
        m.symlink("sub/f0", "/dst/link", USER);
        m.chmod("/dst/sub", 0755);
        m.utimens("/dst/sub", stamp, stamp);
        m.utimens("/dst/link", stamp, stamp);

        assertEquals("sub/f0", m.readlink("/dst/link"));
        FileAttributes link = m.getattr("/dst/link");
        assertEquals(FileType.SYMLINK, link.type());
        assertEquals(1000, link.uid());
        FileAttributes dir = m.getattr("/dst/sub");
        assertEquals(0755, dir.permissions());
        assertEquals(stamp, dir.mtime());
        assertEquals(1000, dir.uid());
        assertEquals(100, dir.gid());
        assertEquals(21, m.readdir("/dst/sub").size() + 1);
        assertEquals(List.of("link", "sub"), names(m.readdir("/dst")).stream().sorted().toList());
        assertEquals(fs.stat("/dst"), m.getattr("/dst"));
        assertEquals(20, fs.calls("create") + fs.calls("createWrite"), "one creation each");
        assertEquals(3, fs.calls("lchown") - 20, "mkdir twice and symlink chown to the caller once each");
    }

    @Test
    @DisplayName("a create storm in an unlisted directory: one lstat, one listing, then no lookups; no capability queries")
    void createStormInUnlistedDirectory() throws Exception {
        fs.dirs("/data");
        fs.put("/data/old.txt", "x".getBytes());
        GuestMount m = mount();
        for (int i = 0; i < 50; i++) {
            String p = "/data/f" + i;
            assertThrows(GuestFsException.class, () -> m.getattr(p));   // the kernel's LOOKUP before O_CREAT
            long fh = m.create(p, WR | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644, Caller.ROOT);
            // the kernel asks before every write(2) whether file capabilities must be dropped
            assertThrows(GuestFsException.class, () -> m.getxattr(p, "security.capability"));
            m.write(p, fh, 0, new byte[4096], 4096);
            m.flush(p, fh);
            m.release(p, fh);
        }
        assertEquals(1, fs.calls("lstat"), fs.callCounts().toString());
        assertEquals(1, fs.calls("readdirPlus"), fs.callCounts().toString());
        assertEquals(0, fs.calls("getxattr"), fs.callCounts().toString());
        assertEquals(51, names(m.readdir("/data")).size());
        assertEquals(4096, m.getattr("/data/f49").size());
    }

    @Nested
    @DisplayName("deferred creation")
    class DeferredCreation {
        private static final int NEW = WR | OpenFlags.O_CREAT | OpenFlags.O_EXCL;

        /** A mount whose listing of /d is cached, so that new names there are known to be free. */
        private GuestMount listed() throws GuestFsException {
            fs.dirs("/d");
            GuestMount m = mount();
            m.readdir("/d");
            m.getattr("/d");
            fs.resetCalls();
            return m;
        }

        @Test
        @DisplayName("a new file reaches the guest with its first data, in one call that its flush waits for")
        void madeAtFlushWithItsData() throws Exception {
            GuestMount m = listed();
            long fh = m.create("/d/f", NEW, 0640, USER);
            FileAttributes provisional = m.fgetattr("/d/f", fh);
            assertEquals(0100640, provisional.mode());
            assertEquals(USER.uid(), provisional.uid());
            assertEquals(Errno.ENOENT, errno(() -> fs.stat("/d/f")), "not in the guest yet");
            assertEquals(0, fs.totalCalls(), "creating costs no call");
            m.write("/d/f", fh, 0, "hello".getBytes(), 5);
            m.flush("/d/f", fh);
            assertEquals(Map.of("createWrite", 1L), fs.callCounts(), "the first write went with the creation");
            assertEquals("hello", new String(fs.content("/d/f")));
            FileAttributes real = m.getattr("/d/f");
            assertEquals(fs.stat("/d/f").ino(), real.ino(), "the placeholder inode number is replaced");
            assertNotEquals(provisional.ino(), real.ino());
            assertEquals(5, real.size());
            m.release("/d/f", fh);
        }

        @Test
        @DisplayName("an operation by name makes the deferred creations first: rename before close")
        void renameBeforeClose() throws Exception {
            GuestMount m = listed();
            long fh = m.create("/d/tmp", NEW, 0600, USER);
            m.write("/d/tmp", fh, 0, "data".getBytes(), 4);
            m.rename("/d/tmp", "/d/final", 0);
            assertEquals(Errno.ENOENT, errno(() -> fs.stat("/d/tmp")));
            m.flush("/d/final", fh);
            m.release("/d/final", fh);
            m.settle();
            assertEquals("data", new String(fs.content("/d/final")));
            assertEquals(List.of("final"), fs.names("/d"));
        }

        @Test
        @DisplayName("a read, an fsync and a listing fetched from the guest see the new file")
        void readFsyncAndListing() throws Exception {
            GuestMount m = listed();
            long fh = m.create("/d/rw", RW | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, Caller.ROOT);
            m.write("/d/rw", fh, 0, "abc".getBytes(), 3);
            m.write("/d/rw", fh, 3, "def".getBytes(), 3);
            assertEquals("abcdef", new String(m.read("/d/rw", fh, 0, 100)));
            m.fsync("/d/rw", fh, false);
            assertEquals("abcdef", new String(fs.content("/d/rw")));
            long other = m.create("/d/other", NEW, 0644, Caller.ROOT);
            mount.close();   // closing the mount makes it, and releases both
            assertEquals(0, fs.openHandles());
            assertEquals(List.of("other", "rw"), fs.names("/d").stream().sorted().toList());
            assertTrue(other > 0);
        }

        @Test
        @DisplayName("a creation that fails in the guest fails every flush, and the name shows the guest's truth")
        void failureAtFlush() throws Exception {
            GuestMount m = listed();
            fs.put("/d/taken", "theirs".getBytes());   // behind the mount's back: the cache says free
            long fh = m.create("/d/taken", NEW, 0644, Caller.ROOT);
            m.write("/d/taken", fh, 0, "mine".getBytes(), 4);
            assertEquals(Errno.EEXIST, errno(() -> m.flush("/d/taken", fh)));
            assertEquals(Errno.EEXIST, errno(() -> m.flush("/d/taken", fh)), "every close reports it");
            assertEquals(Errno.EEXIST, errno(() -> m.write("/d/taken", fh, 4, "more".getBytes(), 4)),
                    "nothing more can be written to a file never made");
            assertEquals("theirs", new String(fs.content("/d/taken")), "nothing overwritten");
            assertEquals(6, m.getattr("/d/taken").size());
            assertEquals(Errno.EEXIST, errno(() -> m.release("/d/taken", fh)));
            m.settle();
            assertEquals(0, fs.openHandles());
        }

        @Test
        @DisplayName("not deferred: a name not known to be free, or O_DSYNC")
        void notDeferred() throws Exception {
            GuestMount m = listed();
            long a = m.create("/d/sync", NEW | OpenHandle.O_DSYNC, 0644, Caller.ROOT);
            long b = m.create("/unlisted-parent-file", NEW, 0644, Caller.ROOT);
            assertEquals(2, fs.calls("create"));
            m.release("/d/sync", a);
            m.release("/unlisted-parent-file", b);
        }
    }

    @Test
    @DisplayName("root's new files need no chown round trip")
    void rootCreatesWithoutChown() throws Exception {
        GuestMount m = mount();
        m.mkdir("/d", 0755, Caller.ROOT);
        m.symlink("x", "/d/l", Caller.ROOT);
        m.mknod("/d/fifo", FileType.FIFO.bits() | 0644, 0, Caller.ROOT);
        m.release("/d/f", m.create("/d/f", WR, 0644, Caller.ROOT));
        assertEquals(0, fs.calls("lchown"));
        assertEquals(FileType.FIFO, m.getattr("/d/fifo").type());
    }

    @Test
    @DisplayName("creating 1,000 small files: lookups of new names are free, the listing stays cached, each file"
            + " is made with its data in one call")
    void smallFileCreation() throws Exception {
        GuestMount m = mount();
        m.mkdir("/many", 0755, USER);
        fs.resetCalls();
        byte[] data = bytes(4096, 5);
        for (int i = 0; i < 1000; i++) {
            String p = "/many/f" + i;
            assertEquals(Errno.ENOENT, errno(() -> m.getattr(p)));     // the kernel's lookup
            long fh = m.create(p, WR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, USER);
            assertEquals(4096, m.write(p, fh, 0, data, data.length));
            m.flush(p, fh);
            m.release(p, fh);
        }
        assertEquals(1000, m.readdir("/many").size());
        m.settle();
        assertEquals(java.util.Map.of("createWrite", 1000L, "release", 1000L), fs.callCounts());
        assertArrayEquals(data, fs.content("/many/f999"));
        assertEquals(fs.stat("/many"), m.getattr("/many"));
        assertEquals(4096, m.getattr("/many/f0").size());
    }

    @Test
    @DisplayName("rename within and across listed directories keeps both listings right without refetching")
    void renameAmendsListings() throws Exception {
        fs.dirs("/a", "/b", "/a/sub");
        fs.put("/a/f", bytes(3, 1));
        fs.put("/a/sub/g", bytes(4, 1));
        GuestMount m = mount();
        m.readdir("/a");
        m.readdir("/b");
        m.readdir("/a/sub");
        fs.resetCalls();
        m.rename("/a/f", "/b/f2", 0);
        m.rename("/a/sub", "/b/sub2", 0);
        assertEquals(List.of(), m.readdir("/a"));
        assertEquals(List.of("f2", "sub2"), names(m.readdir("/b")).stream().sorted().toList());
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/a/f")));
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/a/sub/g")));
        assertEquals(java.util.Map.of("rename", 2L), fs.callCounts());
        assertEquals(3, m.getattr("/b/f2").size());
        assertEquals(List.of("g"), names(m.readdir("/b/sub2")));
        assertEquals(4, m.getattr("/b/sub2/g").size());
        assertEquals(fs.stat("/a"), m.getattr("/a"));
        assertEquals(fs.stat("/b"), m.getattr("/b"));
    }

    @Test
    @DisplayName("rm -r: listing, unlink and rmdir leave nothing stale")
    void removeTree() throws Exception {
        fs.dirs("/t", "/t/a", "/t/a/b", "/t/c");
        for (String p : List.of("/t/x", "/t/a/y", "/t/a/b/z", "/t/c/w")) {
            fs.put(p, new byte[10]);
        }
        GuestMount m = mount();
        removeRecursively(m, "/t");
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/t")));
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/t/a/b/z")));
        assertEquals(Errno.ENOENT, errno(() -> m.readdir("/t/a")));
        assertEquals(List.of(), m.readdir("/"));
        assertEquals(2, m.getattr("/").nlink());
    }

    private static void removeRecursively(GuestMount m, String dir) throws GuestFsException {
        for (DirEntry e : m.readdir(dir)) {
            String p = MetadataCache.child(dir, e.name());
            if (m.getattr(p).isDirectory()) {
                removeRecursively(m, p);
            } else {
                m.unlink(p);
            }
        }
        assertEquals(List.of(), m.readdir(dir));
        m.rmdir(dir);
    }

    @Test
    @DisplayName("tar x: create, write, futimens before close, hard link")
    void extractArchive() throws Exception {
        GuestMount m = mount();
        Timespec old = new Timespec(1_000_000_000L, 0);
        m.mkdir("/x", 0755, Caller.ROOT);
        byte[] data = bytes(300 * KIB, 7);
        long fh = m.create("/x/file", WR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, Caller.ROOT);
        writeAll(m, "/x/file", fh, data);
        m.utimens("/x/file", old, old);          // futimens while the data is still buffered
        m.release("/x/file", fh);
        m.link("/x/file", "/x/hard");

        assertEquals(old, m.getattr("/x/file").mtime(), "buffered writes were sent before utimens");
        assertEquals(old, fs.stat("/x/file").mtime());
        assertEquals(2, m.getattr("/x/file").nlink());
        assertEquals(2, m.getattr("/x/hard").nlink());
        assertEquals(m.getattr("/x/file").ino(), m.getattr("/x/hard").ino());
        assertEquals(List.of("file", "hard"), names(m.readdir("/x")));
        assertArrayEquals(data, fs.content("/x/hard"));
        m.unlink("/x/file");
        assertEquals(1, m.getattr("/x/hard").nlink());
    }

    @Test
    @DisplayName("a directory of 10,000 entries: one listing call, then no getattr round trips")
    void largeDirectory() throws Exception {
        fs.dirs("/big");
        for (int i = 0; i < 10_000; i++) {
            fs.put("/big/f" + i, new byte[i % 100]);
        }
        GuestMount m = mount();
        List<DirEntry> entries = m.readdir("/big");
        assertEquals(10_000, entries.size());
        for (DirEntry e : entries) {
            assertEquals(Integer.parseInt(e.name().substring(1)) % 100, m.getattr("/big/" + e.name()).size());
        }
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/big/missing")));
        assertEquals(10_000, m.readdir("/big").size());
        assertEquals(1, fs.calls("readdirPlus"));
        assertEquals(0, fs.calls("lstat"));
    }

    @Test
    @DisplayName("find: a walk after prefetching needs only the first listing; getattr is free")
    void findWalkWithPrefetch() throws Exception {
        int dirs = buildTree();
        GuestMount m = mount(false, true);
        int[] seen = new int[2];
        walk(m, "/", seen, true);
        assertEquals(dirs, seen[0]);
        assertEquals(1, fs.calls("readdirPlus"), "only / was listed by the walk itself: " + fs.callCounts());
        assertEquals(0, fs.calls("lstat"));
        assertTrue(fs.calls("readdirPlusMany") >= 2, "subdirectories came in batches: " + fs.callCounts());
        assertTrue(fs.calls("readdirPlusMany") <= 8, "siblings' subdirectories batched together: " + fs.callCounts());

        fs.resetCalls();
        walk(m, "/", new int[2], false);
        assertEquals(0, fs.totalCalls(), "a warm walk is served from the cache");
    }

    @Test
    @DisplayName("find without prefetch: one listing per directory, still no getattr round trips")
    void findWalkWithoutPrefetch() throws Exception {
        int dirs = buildTree();
        GuestMount m = mount(false, false);
        int[] seen = new int[2];
        walk(m, "/", seen, false);
        assertEquals(dirs, fs.calls("readdirPlus"));
        assertEquals(0, fs.calls("readdirPlusMany"));
        assertEquals(0, fs.calls("lstat"));
    }

    /** /dN (N < 40) each with 3 subdirectories of 5 files: returns the number of directories. */
    private int buildTree() {
        int n = 1;
        for (int i = 0; i < 40; i++) {
            fs.dirs("/d" + i);
            n++;
            for (int j = 0; j < 3; j++) {
                fs.dirs("/d" + i + "/s" + j);
                n++;
                for (int k = 0; k < 5; k++) {
                    fs.put("/d" + i + "/s" + j + "/f" + k, new byte[k]);
                }
            }
        }
        return n;
    }

    private static void walk(GuestMount m, String dir, int[] seen, boolean settle) throws Exception {
        seen[0]++;
        List<DirEntry> entries = m.readdir(dir);
        if (settle) {
            m.awaitPrefetch();
        }
        for (DirEntry e : entries) {
            String p = MetadataCache.child(dir, e.name());
            FileAttributes a = m.getattr(p);
            seen[1]++;
            if (a.isDirectory()) {
                walk(m, p, seen, settle);
            }
        }
    }

    // ================================================================ cache invalidation

    @Test
    @DisplayName("every change through the mount is visible at once")
    void invalidationAfterEveryChange() throws Exception {
        fs.dirs("/d", "/d/sub", "/e");
        fs.put("/d/f", bytes(100, 1));
        fs.put("/d/sub/inner", bytes(5, 2));
        GuestMount m = mount();
        Runnable warm = () -> {
            try {
                for (String d : List.of("/", "/d", "/d/sub", "/e")) {
                    m.readdir(d);
                    m.getattr(d);
                }
                m.getattr("/d/f");
                m.getattr("/d/new");
            } catch (GuestFsException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw new AssertionError(e);
                }
            }
        };
        warm.run();

        m.chmod("/d/f", 0600);
        assertEquals(0600, m.getattr("/d/f").permissions());
        m.chown("/d/f", 7, 8);
        assertEquals(7, m.getattr("/d/f").uid());
        Timespec t = new Timespec(42, 1);
        m.utimens("/d/f", Timespec.OMIT, t);
        assertEquals(t, m.getattr("/d/f").mtime());
        m.truncate("/d/f", 10);
        assertEquals(10, m.getattr("/d/f").size());

        warm.run();
        m.mkdir("/d/new", 0755, Caller.ROOT);
        assertEquals(fs.stat("/d/new"), m.getattr("/d/new"));
        assertTrue(names(m.readdir("/d")).contains("new"));
        assertEquals(fs.stat("/d"), m.getattr("/d"), "parent mtime and nlink");

        warm.run();
        m.rmdir("/d/new");
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/d/new")));
        assertFalse(names(m.readdir("/d")).contains("new"));
        assertEquals(fs.stat("/d"), m.getattr("/d"));

        warm.run();
        m.rename("/d/sub", "/e/moved", 0);
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/d/sub/inner")));
        assertEquals(Errno.ENOENT, errno(() -> m.readdir("/d/sub")));
        assertEquals(List.of("inner"), names(m.readdir("/e/moved")));
        assertEquals(5, m.getattr("/e/moved/inner").size());
        assertEquals(fs.stat("/d"), m.getattr("/d"));
        assertEquals(fs.stat("/e"), m.getattr("/e"));

        warm.run();
        m.rename("/d/f", "/e/moved/inner", 0);
        assertEquals(10, m.getattr("/e/moved/inner").size());
        assertEquals(List.of(), m.readdir("/d"));

        m.symlink("target", "/d/l", Caller.ROOT);
        assertEquals("target", m.readlink("/d/l"));
        m.unlink("/d/l");
        m.symlink("other", "/d/l", Caller.ROOT);
        assertEquals("other", m.readlink("/d/l"), "readlink cache dropped with the name");

        assertEquals(List.of(), m.listxattr("/d"));
        assertEquals(Errno.ENODATA, errno(() -> m.getxattr("/d", "user.a")));
        m.setxattr("/d", "user.a", "v1".getBytes(), 0);
        assertArrayEquals("v1".getBytes(), m.getxattr("/d", "user.a"));
        assertEquals(List.of("user.a"), m.listxattr("/d"));
        m.setxattr("/d", "user.a", "v2".getBytes(), 2);
        assertArrayEquals("v2".getBytes(), m.getxattr("/d", "user.a"));
        m.removexattr("/d", "user.a");
        assertEquals(Errno.ENODATA, errno(() -> m.getxattr("/d", "user.a")));
        assertEquals(List.of(), m.listxattr("/d"));

        long fh = m.open("/e/moved/inner", RW);
        m.getattr("/e/moved/inner");
        m.ftruncate("/e/moved/inner", fh, 3);
        assertEquals(3, m.getattr("/e/moved/inner").size());
        m.release("/e/moved/inner", fh);
    }

    @Test
    @DisplayName("link and unlink refresh the link count of every cached name of the inode")
    void hardLinkCounts() throws Exception {
        fs.put("/a", bytes(10, 3));
        GuestMount m = mount();
        m.link("/a", "/b");
        m.readdir("/");
        assertEquals(2, m.getattr("/a").nlink());
        m.link("/b", "/c");
        assertEquals(3, m.getattr("/a").nlink(), "nlink of /a after linking /b");
        assertEquals(3, m.getattr("/c").nlink());
        m.unlink("/c");
        assertEquals(2, m.getattr("/a").nlink());
        assertEquals(2, m.getattr("/b").nlink());
        m.rename("/a", "/b", 0);    // two names of one file: POSIX says nothing happens
        assertEquals(2, m.getattr("/a").nlink());
        long fh = m.create("/z", WR, 0644, Caller.ROOT);
        m.release("/z", fh);
        m.rename("/z", "/b", 0);
        assertEquals(1, m.getattr("/a").nlink(), "replacing /b unlinked one name of /a's inode");
        assertNotEquals(m.getattr("/a").ino(), m.getattr("/b").ino());
    }

    @Test
    @DisplayName("negative results are cached, and a creation replaces them")
    void negativeCache() throws Exception {
        GuestMount m = mount();
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/nope")));
        assertEquals(Errno.ENOENT, errno(() -> m.getattr("/nope")));
        assertEquals(1, fs.calls("lstat"));
        long fh = m.create("/nope", WR, 0644, Caller.ROOT);
        assertEquals(FileType.REGULAR, m.getattr("/nope").type());
        assertEquals(FileType.REGULAR, m.fgetattr("/nope", fh).type());
        m.release("/nope", fh);
        assertEquals(1, fs.calls("lstat"), "create's own attributes answered");
    }

    @Test
    @DisplayName("cached values expire after the cache timeout")
    void expiry() throws Exception {
        fs.put("/f", new byte[1]);
        GuestMount m = mount();
        m.getattr("/f");
        fs.chmodDirect("/f", 0600);
        assertEquals(0644, m.getattr("/f").permissions());
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(0600, m.getattr("/f").permissions());
    }

    @Test
    @DisplayName("xattrs and symlink targets are fetched once")
    void metadataCaching() throws Exception {
        fs.put("/f", new byte[1]);
        GuestMount m = mount();
        m.setxattr("/f", "security.selinux", "ctx".getBytes(), 0);
        m.symlink("/f", "/l", Caller.ROOT);
        fs.resetCalls();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals("ctx".getBytes(), m.getxattr("/f", "security.selinux"));
            assertEquals(Errno.ENODATA, errno(() -> m.getxattr("/f", "security.capability")));
            assertEquals(List.of("security.selinux"), m.listxattr("/f"));
            assertEquals("/f", m.readlink("/l"));
        }
        assertEquals(2, fs.calls("getxattr"));
        assertEquals(1, fs.calls("listxattr"));
        assertEquals(1, fs.calls("readlink"));
    }

    // ================================================================ large I/O

    @Test
    @DisplayName("a sequential read is served by a few large preads")
    void sequentialReadAhead() throws Exception {
        byte[] data = bytes(24 * MIB + 1234, 11);
        fs.put("/big", data);
        GuestMount m = mount();
        m.getattr("/big");
        long fh = m.open("/big", RD);
        assertArrayEquals(data, readAll(m, "/big", fh));
        m.release("/big", fh);
        m.settle();
        long preads = fs.calls("pread");
        assertTrue(preads <= 12, "24 MiB in " + preads + " preads");
        assertEquals(0, fs.openHandles());
    }

    @Test
    @DisplayName("a small file costs one pread")
    void smallRead() throws Exception {
        fs.put("/small", bytes(4000, 1));
        GuestMount m = mount();
        m.getattr("/small");
        long fh = m.open("/small", RD);
        assertArrayEquals(fs.content("/small"), m.read("/small", fh, 0, FUSE_IO));
        m.release("/small", fh);
        assertEquals(1, fs.calls("pread"));
    }

    @Test
    @DisplayName("reads of a stream arriving slightly out of order keep the read-ahead")
    void outOfOrderSequentialReads() throws Exception {
        byte[] data = bytes(16 * MIB, 21);
        fs.put("/o", data);
        GuestMount m = mount();
        m.getattr("/o");
        long fh = m.open("/o", RD);
        int pieces = data.length / FUSE_IO;
        for (int i = 0; i < pieces; i += 2) {
            int first = i + 1 < pieces ? i + 1 : i;   // each pair swapped, as parallel FUSE threads may deliver them
            for (int j : new int[] {first, i}) {
                byte[] got = m.read("/o", fh, (long) j * FUSE_IO, FUSE_IO);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, j * FUSE_IO, (j + 1) * FUSE_IO), got, "piece " + j);
            }
        }
        m.release("/o", fh);
        assertTrue(fs.calls("pread") <= 12, "16 MiB in " + fs.calls("pread") + " preads");
    }

    @Test
    @DisplayName("random reads go to the guest as asked")
    void randomReads() throws Exception {
        byte[] data = bytes(8 * MIB, 12);
        fs.put("/r", data);
        GuestMount m = mount();
        long fh = m.open("/r", RD);
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            int off = random.nextInt(data.length - 4096) / 2 + (i % 2) * data.length / 2;
            if (off == 0) {
                off = 1;
            }
            byte[] got = m.read("/r", fh, off, 4096);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, off, off + 4096), got);
        }
        assertEquals(50, fs.calls("pread"));
        m.release("/r", fh);
    }

    @Test
    @DisplayName("write-back: contiguous writes become few pwrites of at most the I/O maximum")
    void writeBackCoalescing() throws Exception {
        GuestMount m = mount();
        byte[] data = bytes(10 * MIB, 13);
        long fh = m.create("/w", WR, 0644, Caller.ROOT);
        writeAll(m, "/w", fh, data);
        assertEquals(data.length, m.fgetattr("/w", fh).size(), "fgetattr sends buffered writes first");
        m.flush("/w", fh);
        m.release("/w", fh);
        assertArrayEquals(data, fs.content("/w"));
        assertEquals(3, fs.calls("pwrite"), "4 + 4 + 2 MiB");
    }

    @Test
    @DisplayName("write-back: two sends in flight at once, and a send waits for an earlier one it overlaps")
    void writeBackPipelinesButKeepsOverlappingWritesInOrder() throws Exception {
        GuestMount m = mount();
        long fh = m.create("/p", WR, 0644, Caller.ROOT);
        fs.delayPwrites(200, 200);
        byte[] first = bytes(12 * MIB, 21);
        writeAll(m, "/p", fh, first);
        m.flush("/p", fh);
        assertArrayEquals(first, fs.content("/p"));
        assertEquals(2, fs.maxConcurrentPwrites(), "the second 4 MiB crossed while the first was written");

        // the first send of A is slow: B, written over the same range, must still land last
        fs.delayPwrites(300, 0);
        byte[] a = bytes(4 * MIB, 22);
        byte[] b = bytes(4 * MIB, 23);
        writeAll(m, "/p", fh, a);
        writeAll(m, "/p", fh, b);
        m.flush("/p", fh);
        m.release("/p", fh);
        byte[] expected = java.util.Arrays.copyOf(b, first.length);
        System.arraycopy(first, b.length, expected, b.length, first.length - b.length);
        assertArrayEquals(expected, fs.content("/p"));
    }

    @Test
    @DisplayName("O_SYNC handles write through")
    void syncWritesAreNotBuffered() throws Exception {
        GuestMount m = mount();
        long fh = m.create("/s", WR | OpenFlags.O_CREAT | 04010000, 0644, Caller.ROOT);
        m.write("/s", fh, 0, new byte[10], 10);
        assertEquals(1, fs.calls("pwrite"));
        assertEquals(10, fs.stat("/s").size());
        m.release("/s", fh);
    }

    @Test
    @DisplayName("a write that does not continue the buffer sends it; getattr sees buffered data")
    void nonContiguousWrites() throws Exception {
        GuestMount m = mount();
        long fh = m.create("/n", RW, 0644, Caller.ROOT);
        byte[] a = bytes(1000, 1);
        byte[] b = bytes(500, 2);
        m.write("/n", fh, 0, a, a.length);
        m.write("/n", fh, 5000, b, b.length);
        assertEquals(5500, m.getattr("/n").size());
        assertEquals(2, fs.calls("pwrite"));
        byte[] back = m.read("/n", fh, 0, 6000);
        assertEquals(5500, back.length);
        assertArrayEquals(a, java.util.Arrays.copyOf(back, 1000));
        assertArrayEquals(b, java.util.Arrays.copyOfRange(back, 5000, 5500));
        m.release("/n", fh);
    }

    @Test
    @DisplayName("a write through one handle drops the read-ahead of another")
    void readAheadDroppedOnWrite() throws Exception {
        byte[] data = bytes(2 * MIB, 14);
        fs.put("/f", data);
        GuestMount m = mount();
        m.getattr("/f");
        long reader = m.open("/f", RD);
        assertArrayEquals(java.util.Arrays.copyOf(data, FUSE_IO), m.read("/f", reader, 0, FUSE_IO));
        long writer = m.open("/f", WR);
        byte[] patch = bytes(1000, 15);
        m.write("/f", writer, FUSE_IO, patch, patch.length);
        byte[] next = m.read("/f", reader, FUSE_IO, FUSE_IO);
        assertArrayEquals(patch, java.util.Arrays.copyOf(next, patch.length));
        m.truncate("/f", FUSE_IO + 10);
        assertEquals(10, m.read("/f", reader, FUSE_IO, FUSE_IO).length);
        m.release("/f", writer);
        m.release("/f", reader);
    }

    @Test
    @DisplayName("ENOSPC of a buffered write surfaces at flush; of a background send at the next write")
    void writeErrorsAreReported() throws Exception {
        GuestMount m = mount();
        fs.failOn("pwrite", Errno.ENOSPC);
        long fh = m.create("/full", WR, 0644, Caller.ROOT);
        byte[] small = bytes(100, 1);
        assertEquals(100, m.write("/full", fh, 0, small, small.length));
        assertEquals(Errno.ENOSPC, errno(() -> m.flush("/full", fh)));
        m.flush("/full", fh);   // reported once

        byte[] big = bytes(5 * MIB, 2);
        try {
            writeAll(m, "/full", fh, big);   // the 4 MiB send fails in the background
        } catch (GuestFsException e) {
            assertEquals(Errno.ENOSPC, e.errno(), "a later write may already report it");
        }
        assertEquals(Errno.ENOSPC, errno(() -> m.flush("/full", fh)), "flush reports it in any case");
        fs.failOn("pwrite", null);
        m.release("/full", fh);
        m.settle();
        assertEquals(0, fs.openHandles());
    }

    @Test
    @DisplayName("release reports a failed send and still closes the guest handle")
    void releaseReportsAndCloses() throws Exception {
        GuestMount m = mount();
        long fh = m.create("/f", WR, 0644, Caller.ROOT);
        m.write("/f", fh, 0, new byte[10], 10);
        fs.failOn("pwrite", Errno.EDQUOT);
        assertEquals(Errno.EDQUOT, errno(() -> m.release("/f", fh)));
        assertEquals(0, fs.openHandles());
        assertEquals(Errno.EBADF, errno(() -> m.read("/f", fh, 0, 10)));
    }

    // ================================================================ failure and lifecycle

    @Test
    @DisplayName("dead appliance: EIO everywhere, close() still returns")
    void deadAppliance() throws Exception {
        fs.put("/f", bytes(100, 1));
        GuestMount m = mount();
        long rd = m.open("/f", RD);
        long wr = m.create("/g", WR, 0644, Caller.ROOT);
        m.write("/g", wr, 0, new byte[10], 10);
        fs.failAll(Errno.EIO);
        fs.delay(20);
        assertEquals(Errno.EIO, errno(() -> m.getattr("/x")));
        assertEquals(Errno.EIO, errno(() -> m.readdir("/")));
        assertEquals(Errno.EIO, errno(() -> m.read("/f", rd, 0, 10)));
        assertEquals(Errno.EIO, errno(() -> m.open("/f", RD)));
        assertEquals(Errno.EIO, errno(() -> m.mkdir("/d", 0755, Caller.ROOT)));
        assertEquals(Errno.EIO, errno(() -> m.flush("/g", wr)));
        assertEquals(Errno.EIO, errno(() -> m.statfs("/")));
        assertTimeoutPreemptively(Duration.ofSeconds(5), m::close);
        assertEquals(Errno.EIO, errno(() -> m.getattr("/")));
        assertEquals(Errno.EIO, errno(() -> m.read("/f", rd, 0, 10)));
        m.close();
    }

    @Test
    @DisplayName("close() sends buffered writes and releases every guest handle")
    void closeFlushesAndReleases() throws Exception {
        GuestMount m = mount();
        byte[] data = bytes(300 * KIB, 3);
        long fh = m.create("/f", WR, 0644, Caller.ROOT);
        writeAll(m, "/f", fh, data);
        m.open("/f", RD);
        m.close();
        assertEquals(0, fs.openHandles());
        assertArrayEquals(data, fs.content("/f"));
        assertEquals(Errno.EIO, errno(() -> m.write("/f", fh, 0, data, 10)));
    }

    @Test
    @DisplayName("read-only: every change is EROFS without a round trip")
    void readOnly() throws Exception {
        fs.put("/f", new byte[1]);
        fs.dirs("/d");
        GuestMount m = mount(true, false);
        long fh = m.open("/f", RD);
        fs.resetCalls();
        List<Executable> changes = List.of(
                () -> m.open("/f", WR), () -> m.open("/f", RW), () -> m.open("/f", RD | OpenFlags.O_TRUNC),
                () -> m.create("/n", WR, 0644, Caller.ROOT), () -> m.write("/f", fh, 0, new byte[1], 1),
                () -> m.truncate("/f", 0), () -> m.ftruncate("/f", fh, 0), () -> m.mkdir("/m", 0755, Caller.ROOT),
                () -> m.rmdir("/d"), () -> m.unlink("/f"), () -> m.rename("/f", "/g", 0),
                () -> m.chmod("/f", 0), () -> m.chown("/f", 1, 1), () -> m.utimens("/f", Timespec.NOW, Timespec.NOW),
                () -> m.setxattr("/f", "user.x", new byte[1], 0), () -> m.removexattr("/f", "user.x"),
                () -> m.link("/f", "/h"), () -> m.symlink("/f", "/s", Caller.ROOT),
                () -> m.mknod("/p", FileType.FIFO.bits() | 0644, 0, Caller.ROOT),
                () -> m.access("/f", 2, Caller.ROOT), () -> m.access("/f", 6, USER));
        for (Executable change : changes) {
            assertEquals(Errno.EROFS, errno(change));
        }
        assertEquals(0, fs.totalCalls(), fs.callCounts().toString());
        m.access("/f", 4, Caller.ROOT);
        m.release("/f", fh);
    }

    @Test
    @DisplayName("access checks the caller against owner, group and other bits")
    void accessChecks() throws Exception {
        fs.put("/f", new byte[1]);
        GuestMount m = mount();
        m.chmod("/f", 0640);
        m.chown("/f", 1000, 50);
        m.access("/f", 0, new Caller(5, 5, 1, 022));
        m.access("/f", 6, USER);
        assertEquals(Errno.EACCES, errno(() -> m.access("/f", 1, USER)));
        m.access("/f", 4, new Caller(7, 50, 1, 022));
        assertEquals(Errno.EACCES, errno(() -> m.access("/f", 2, new Caller(7, 50, 1, 022))));
        assertEquals(Errno.EACCES, errno(() -> m.access("/f", 4, new Caller(7, 7, 1, 022))));
        m.access("/f", 7, Caller.ROOT);
        assertEquals(Errno.ENOENT, errno(() -> m.access("/missing", 0, USER)));
    }

    @Test
    @DisplayName("unexpected exceptions become EIO naming the path")
    void unexpectedFailures() throws Exception {
        fs.throwOn("lstat", new IllegalStateException("boom"));
        GuestMount m = mount();
        GuestFsException e = assertThrows(GuestFsException.class, () -> m.getattr("/x"));
        assertEquals(Errno.EIO, e.errno());
        assertEquals("/x", e.path());
    }

    @Test
    @DisplayName("concurrent readers and writers on several files")
    void concurrentReadersAndWriters() throws Exception {
        byte[] shared = bytes(6 * MIB, 99);
        fs.put("/shared", shared);
        GuestMount m = mount(false, true);
        fs.delay(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    long fh = m.open("/shared", RD);
                    assertArrayEquals(shared, readAll(m, "/shared", fh));
                    m.release("/shared", fh);
                    return null;
                }));
                results.add(pool.submit(() -> {
                    String p = "/w" + id;
                    byte[] data = bytes(MIB + id * 1000, id);
                    long fh = m.create(p, RW, 0644, USER);
                    writeAll(m, p, fh, data);
                    assertEquals(data.length, m.fgetattr(p, fh).size());
                    assertArrayEquals(data, readAll(m, p, fh));
                    m.release(p, fh);
                    m.readdir("/");
                    assertEquals(data.length, m.getattr(p).size());
                    return null;
                }));
            }
            for (Future<?> f : results) {
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        fs.delay(0);
        m.settle();
        assertEquals(0, fs.openHandles());
        assertEquals(0, m.openHandles());
        for (int t = 0; t < 4; t++) {
            assertEquals(MIB + t * 1000, fs.stat("/w" + t).size());
        }
        assertNotEquals(0, m.readdir("/").size());
    }

    @Test
    @DisplayName("tracing forwards results and errors unchanged")
    void tracing() throws Exception {
        fs.put("/f", bytes(10, 1));
        MountOperations traced = TracingOperations.wrapIfTracing(mount(),
                new MountConfig(false, Duration.ofSeconds(1), List.of(), "t", true));
        assertTrue(traced instanceof TracingOperations);
        assertEquals(10, traced.getattr("/f").size());
        assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class, () -> traced.getattr("/g")).errno());
        long fh = traced.open("/f", RD);
        assertEquals(10, traced.read("/f", fh, 0, 100).length);
        traced.release("/f", fh);
        assertEquals(List.of("f"), names(traced.readdir("/")));
        assertTrue(TracingOperations.describe(new byte[3]).contains("3 bytes"));
    }

    @Test
    @DisplayName("a name over 255 characters is ENAMETOOLONG without a round trip; a longer UTF-8 one is the guest's call")
    void namesTooLong() throws Exception {
        fs.dirs("/d");
        GuestMount m = mount();
        fs.resetCalls();
        String tooLong = "/d/" + "n".repeat(256);
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.getattr(tooLong)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.create(tooLong, WR, 0644, USER)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.mkdir(tooLong + "/below", 0755, USER)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.symlink("x", tooLong, USER)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.rename("/d", tooLong, 0)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> m.link("/d", tooLong)));
        assertEquals(0, fs.totalCalls(), fs.callCounts().toString());
        // 255 characters, 510 bytes of UTF-8: FAT and NTFS take it (ext4 would refuse), so it is sent
        String wide = "/d/" + "é".repeat(255);
        m.release(wide, m.create(wide, WR, 0644, USER));
        assertEquals(List.of("é".repeat(255)), names(m.readdir("/d")));
    }

    @Test
    @DisplayName("new nodes of a user belong to the user, with the group of a setgid parent")
    void setgidParentGivesItsGroup() throws Exception {
        fs.dirs("/plain", "/shared");
        fs.lchown("/shared", -1, 1234);
        fs.chmod("/shared", 02777);
        GuestMount m = mount();
        m.release("/plain/f", m.create("/plain/f", WR, 0644, USER));
        m.mkdir("/plain/d", 0755, USER);
        m.release("/shared/f", m.create("/shared/f", WR, 0644, USER));
        m.mkdir("/shared/d", 0755, USER);
        m.mkdir("/shared/d/inner", 0755, USER);
        m.symlink("f", "/shared/l", USER);
        for (String p : List.of("/plain/f", "/plain/d")) {
            assertEquals(USER.uid() + ":" + USER.gid(), owner(m.getattr(p)), p);
        }
        for (String p : List.of("/shared/f", "/shared/d", "/shared/d/inner", "/shared/l")) {
            assertEquals(USER.uid() + ":1234", owner(m.getattr(p)), p);
        }
        assertEquals(02755, m.getattr("/shared/d").permissions(), "a directory keeps the inherited setgid bit");
        assertEquals(02755, m.getattr("/shared/d/inner").permissions());
    }

    private static String owner(FileAttributes a) {
        return a.uid() + ":" + a.gid();
    }

    @Test
    @DisplayName("a file unlinked while open: libfuse's hiding rename unlinks it in the guest; it stays usable")
    void unlinkedWhileOpen() throws Exception {
        fs.dirs("/d");
        GuestMount m = mount();
        long fh = m.create("/d/f", RW, 0644, Caller.ROOT);
        m.write("/d/f", fh, 0, "hello".getBytes(), 5);
        String hidden = "/d/.fuse_hidden0000000500000001";
        assertEquals(Errno.ENOENT, errno(() -> m.getattr(hidden)), "libfuse looks for an unused hidden name first");
        m.rename("/d/f", hidden, 0);   // what libfuse 2 does for unlink("/d/f") while it is open
        assertEquals(List.of(), names(m.readdir("/d")));
        assertEquals(List.of(), fs.names("/d"), "nothing hidden in the guest");
        FileAttributes a = m.getattr(hidden);
        assertEquals(0, a.nlink());
        assertEquals(5, a.size(), "buffered writes were sent first");
        assertEquals(0, m.fgetattr(hidden, fh).nlink());
        Timespec stamp = new Timespec(1_500_000_000L, 5);
        m.chmod(hidden, 0600);   // fchmod, fchown, futimens (and the kernel's setuid clearing) by name
        m.chown(hidden, 1000, 100);
        m.utimens(hidden, stamp, Timespec.OMIT);
        FileAttributes changed = m.getattr(hidden);
        assertEquals("600 1000:100", Integer.toOctalString(changed.permissions()) + " " + owner(changed));
        assertEquals(stamp, changed.atime());
        m.write(hidden, fh, 5, " world".getBytes(), 6);
        assertEquals("hello world", new String(m.read(hidden, fh, 0, 100)));
        m.rename("/d", "/e", 0);   // the hidden name moves with its directory
        String moved = "/e/.fuse_hidden0000000500000001";
        assertEquals(0, m.getattr(moved).nlink());
        assertEquals(11, m.fgetattr(moved, fh).size());
        m.rmdir("/e");
        // now no name leads to the file: libfuse (nullpath_ok) passes a null path
        m.write(null, fh, 11, "!".getBytes(), 1);
        assertEquals("hello world!", new String(m.read(null, fh, 0, 100)));
        m.ftruncate(null, fh, 5);
        assertEquals(5, m.fgetattr(null, fh).size());
        assertEquals(Errno.ENOENT, errno(() -> m.chmod(null, 0600)));
        assertEquals(Errno.ENOENT, errno(() -> m.readdir(null)));
        m.flush(null, fh);
        m.release(null, fh);   // without a name libfuse unlinks no hidden name: forgotten here
        assertEquals(Errno.ENOENT, errno(() -> m.getattr(moved)));
        mount.settle();
        assertEquals(0, fs.openHandles());
    }

    @Test
    @DisplayName("renaming over an open file keeps the open file's data; a hidden-looking name of a closed file is a plain rename")
    void renameOverAnOpenFile() throws Exception {
        fs.put("/target", "old".getBytes());
        fs.put("/source", "new".getBytes());
        fs.put("/closed", "c".getBytes());
        GuestMount m = mount();
        long fh = m.open("/target", RW);
        String hidden = "/.fuse_hidden0000000700000002";
        m.rename("/target", hidden, 0);   // libfuse hides the open target first
        m.rename("/source", "/target", 0);
        assertEquals("old", new String(m.read(hidden, fh, 0, 100)));
        assertEquals(0, m.fgetattr(hidden, fh).nlink());
        assertEquals("new", new String(fs.content("/target")));
        m.release(hidden, fh);
        long unlinks = fs.calls("unlink");
        m.unlink(hidden);   // libfuse, after the last close
        assertEquals(unlinks, fs.calls("unlink"), "the hidden name was never in the guest");
        m.rename("/closed", "/.fuse_hidden0000000900000003", 0);
        assertEquals(List.of(".fuse_hidden0000000900000003", "target"), fs.names("/"));
    }
}
