package io.jguest.daemon;

import static io.jguest.api.OpenFlags.O_CREAT;
import static io.jguest.api.OpenFlags.O_EXCL;
import static io.jguest.api.OpenFlags.O_RDONLY;
import static io.jguest.api.OpenFlags.O_RDWR;
import static io.jguest.api.OpenFlags.O_WRONLY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.block.FakeCommandRunner;
import io.jguest.daemon.block.LocalSession;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every file procedure through the real {@link Dispatcher} on a temporary sysroot. */
class FileProceduresTest {
    private static final int S_IFIFO = 0010000;
    private static final int RENAME_NOREPLACE = 1;
    private static final int XATTR_CREATE = 1;

    @TempDir
    Path dir;
    private Sysroot sysroot;
    private LocalFileSystem files;
    private DispatcherClient client;

    @BeforeEach
    void setUp() throws IOException {
        open(true);
    }

    private void open(boolean openat2) throws IOException {
        if (sysroot != null) {
            tearDown();
        }
        sysroot = Sysroot.open(dir, openat2);
        files = new LocalFileSystem(sysroot);
        LocalSession session = LocalSession.create(sysroot, new FakeCommandRunner(), DeviceWait.none());
        client = new DispatcherClient(new Dispatcher(files, session, session::prepareShutdown));
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    private <R> R call(Call<R> call) throws GuestFsException {
        return client.call(call);
    }

    private void assertErrno(Errno expected, Call<?> call) {
        GuestFsException e = assertThrows(GuestFsException.class, () -> call(call), () -> "expected " + expected);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    private long create(String path, String content) throws GuestFsException {
        long h = call(new Calls.Open(path, O_CREAT | O_RDWR, 0644));
        call(new Calls.Pwrite(h, 0, content.getBytes(UTF_8)));
        return h;
    }

    private void write(String path, String content) throws GuestFsException {
        call(new Calls.Release(create(path, content)));
    }

    private String read(String path) throws GuestFsException {
        long h = call(new Calls.Open(path, O_RDONLY, 0));
        try {
            return new String(call(new Calls.Pread(h, 0, 65536)), UTF_8);
        } finally {
            call(new Calls.Release(h));
        }
    }

    private FileAttributes lstat(String path) throws GuestFsException {
        return call(new Calls.Lstat(path));
    }

    @Nested
    @DisplayName("open files")
    class OpenFiles {
        @Test
        void createWriteReadTruncateRelease() throws Exception {
            long h = call(new Calls.Open("/a.txt", O_CREAT | O_EXCL | O_RDWR, 0640));
            assertEquals(11, call(new Calls.Pwrite(h, 0, "hello world".getBytes(UTF_8))));
            assertEquals("hello", new String(call(new Calls.Pread(h, 0, 5)), UTF_8));
            assertEquals("world", new String(call(new Calls.Pread(h, 6, 1000)), UTF_8), "short read only at EOF");
            assertEquals(0, call(new Calls.Pread(h, 100, 10)).length);
            call(new Calls.Fsync(h, false));
            call(new Calls.Fsync(h, true));
            call(new Calls.Ftruncate(h, 5));
            call(new Calls.Release(h));

            assertEquals("hello", Files.readString(dir.resolve("a.txt")));
            FileAttributes a = lstat("/a.txt");
            assertEquals(FileType.REGULAR, a.type());
            assertEquals(0640, a.permissions());
            assertEquals(5, a.size());
            assertEquals(1, a.nlink());
            assertEquals(0, files.openHandles());
        }

        @Test
        void fstatAnswersForAnOpenFileWithNoNameLeft() throws Exception {
            long h = call(new Calls.Open("/gone.txt", O_CREAT | O_EXCL | O_RDWR, 0600));
            call(new Calls.Pwrite(h, 0, "still here".getBytes(UTF_8)));
            assertEquals(1, call(new Calls.Fstat(h)).nlink());
            call(new Calls.Unlink("/gone.txt"));
            FileAttributes a = call(new Calls.Fstat(h));
            assertEquals(0, a.nlink());
            assertEquals(10, a.size());
            assertEquals(0600, a.permissions());
            call(new Calls.Release(h));
            assertErrno(Errno.EBADF, new Calls.Fstat(h));
        }

        @Test
        void fchmodFchownFutimensChangeAnOpenFileWithNoNameLeft() throws Exception {
            long h = call(new Calls.Open("/gone.txt", O_CREAT | O_EXCL | O_RDWR, 0644));
            call(new Calls.Unlink("/gone.txt"));
            Timespec stamp = new Timespec(1_500_000_000L, 123_456_789);
            call(new Calls.Fchmod(h, 0600));
            call(new Calls.Futimens(h, Timespec.OMIT, stamp));
            call(new Calls.Fchown(h, -1, -1));
            FileAttributes a = call(new Calls.Fstat(h));
            assertEquals(0600, a.permissions());
            assertEquals(stamp, a.mtime());
            assertEquals(0, a.nlink());
            call(new Calls.Release(h));
            assertErrno(Errno.EBADF, new Calls.Fchmod(h, 0644));
        }

        @Test
        void createOpensCreatesAndReturnsTheAttributes() throws Exception {
            OpenFile f = call(new Calls.Create("/c.txt", O_CREAT | O_EXCL | O_RDWR, 0640, -1, -1));
            assertEquals(FileType.REGULAR, f.attributes().type());
            assertEquals(0640, f.attributes().permissions());
            assertEquals(0, f.attributes().size());
            assertEquals(Files.getAttribute(dir.resolve("c.txt"), "unix:ino"), f.attributes().ino());
            assertEquals(3, call(new Calls.Pwrite(f.handle(), 0, "abc".getBytes(UTF_8))));
            assertEquals("abc", new String(call(new Calls.Pread(f.handle(), 0, 10)), UTF_8), "opened read-write");
            call(new Calls.Release(f.handle()));
            assertEquals("abc", Files.readString(dir.resolve("c.txt")));

            assertErrno(Errno.EEXIST, new Calls.Create("/c.txt", O_CREAT | O_EXCL | O_WRONLY, 0600, -1, -1));
            OpenFile again = call(new Calls.Create("/c.txt", O_WRONLY, 0600, -1, -1)); // O_CREAT is implied
            assertEquals(3, again.attributes().size(), "without O_EXCL an existing file is opened");
            assertEquals(0640, again.attributes().permissions(), "and its mode kept");
            call(new Calls.Release(again.handle()));
            assertErrno(Errno.ENOENT, new Calls.Create("/missing/c", O_CREAT | O_WRONLY, 0644, -1, -1));
            assertErrno(Errno.EISDIR, new Calls.Create("/", O_CREAT | O_WRONLY, 0644, -1, -1));
            assertEquals(0, files.openHandles(), "failed creates leave nothing open");
        }

        @Test
        void createWriteMakesTheFileWithItsDataAndReleaseManyClosesSeveral() throws Exception {
            OpenFile f = call(new Calls.CreateWrite("/cw", O_CREAT | O_EXCL | O_WRONLY, 0640, -1, -1, 2,
                    "xyz".getBytes(UTF_8)));
            assertEquals(5, f.attributes().size(), "the attributes are after the write");
            assertEquals(0640, f.attributes().permissions());
            OpenFile empty = call(new Calls.CreateWrite("/cw0", O_CREAT | O_EXCL | O_WRONLY, 0600, -1, -1, 0, new byte[0]));
            assertEquals(0, empty.attributes().size());
            assertErrno(Errno.EEXIST, new Calls.CreateWrite("/cw", O_CREAT | O_EXCL | O_WRONLY, 0640, -1, -1, 0,
                    "no".getBytes(UTF_8)));
            assertEquals(2, files.openHandles(), "a failed creation leaves nothing open");
            call(new Calls.ReleaseMany(List.of(f.handle(), empty.handle())));
            assertEquals(0, files.openHandles());
            assertArrayEquals(new byte[] {0, 0, 'x', 'y', 'z'}, Files.readAllBytes(dir.resolve("cw")));
            assertErrno(Errno.EBADF, new Calls.ReleaseMany(List.of(f.handle())));
        }

        @Test
        void createChownsTheNewFile() throws Exception {
            assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
            OpenFile f = call(new Calls.Create("/owned", O_CREAT | O_EXCL | O_WRONLY, 0600, 1234, 5678));
            call(new Calls.Release(f.handle()));
            assertEquals(1234, f.attributes().uid());
            assertEquals(5678, f.attributes().gid());
            assertEquals(1234, lstat("/owned").uid());
            OpenFile g = call(new Calls.Create("/group-only", O_CREAT | O_WRONLY, 0600, -1, 42));
            call(new Calls.Release(g.handle()));
            assertEquals(0, g.attributes().uid());
            assertEquals(42, g.attributes().gid());
        }

        @Test
        void createInASetgidDirectoryKeepsTheDirectorysGroup() throws Exception {
            assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
            Path shared = Files.createDirectory(dir.resolve("shared"));
            Files.setAttribute(shared, "unix:gid", 4321);
            Files.setAttribute(shared, "unix:mode", 02777);
            OpenFile f = call(new Calls.Create("/shared/f", O_CREAT | O_EXCL | O_WRONLY, 0600, 1234, 5678));
            call(new Calls.Release(f.handle()));
            assertEquals(1234, f.attributes().uid());
            assertEquals(4321, f.attributes().gid());
            assertEquals(4321, lstat("/shared/f").gid());
        }

        @Test
        void createOfAFileOwnedByAnotherUserFailsWithoutRoot() throws Exception {
            assumeFalse("root".equals(System.getProperty("user.name")), "root may chown");
            assertErrno(Errno.EPERM, new Calls.Create("/theirs", O_CREAT | O_EXCL | O_WRONLY, 0600, 0, 0));
            assertEquals(0, files.openHandles(), "the descriptor is closed");
        }

        @Test
        void largeReadIsComplete() throws Exception {
            byte[] data = new byte[3 * 1024 * 1024 + 17];
            new java.util.Random(1).nextBytes(data);
            Files.write(dir.resolve("big"), data);
            long h = call(new Calls.Open("/big", O_RDONLY, 0));
            assertArrayEquals(data, call(new Calls.Pread(h, 0, Wire.MAX_IO)));
            call(new Calls.Release(h));
        }

        @Test
        void errors() throws Exception {
            write("/f", "x");
            assertErrno(Errno.EEXIST, new Calls.Open("/f", O_CREAT | O_EXCL | O_WRONLY, 0644));
            assertErrno(Errno.ENOENT, new Calls.Open("/missing", O_RDONLY, 0));
            assertErrno(Errno.ENOTDIR, new Calls.Open("/f/x", O_RDONLY, 0));
            long h = call(new Calls.Open("/f", O_RDONLY, 0));
            assertErrno(Errno.EINVAL, new Calls.Pread(h, 0, Wire.MAX_IO + 1));
            assertErrno(Errno.EINVAL, new Calls.Pread(h, -1, 1));
            call(new Calls.Release(h));
            assertErrno(Errno.EBADF, new Calls.Release(h));
            assertErrno(Errno.EBADF, new Calls.Pread(h, 0, 1));
            assertErrno(Errno.EBADF, new Calls.Pwrite(12345, 0, new byte[1]));
            assertErrno(Errno.EBADF, new Calls.Fsync(12345, false));
            assertErrno(Errno.EBADF, new Calls.Ftruncate(12345, 0));
        }

        @Test
        void errorReplyNamesThePath() {
            GuestFsException e = assertThrows(GuestFsException.class, () -> call(new Calls.Lstat("/nope")));
            assertEquals("/nope", e.path());
            assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        }
    }

    @Nested
    @DisplayName("directories and names")
    class Namespace {
        @Test
        void mkdirReaddirRmdir() throws Exception {
            call(new Calls.Mkdir("/d", 0750));
            write("/d/one", "1");
            call(new Calls.Mkdir("/d/sub", 0755));
            call(new Calls.Symlink("one", "/d/link"));
            call(new Calls.Mknod("/d/fifo", S_IFIFO | 0644, 0));

            List<DirEntry> entries = call(new Calls.Readdir("/d")).entries();
            Map<String, DirEntry> byName = entries.stream().collect(Collectors.toMap(DirEntry::name, e -> e));
            assertEquals(java.util.Set.of("one", "sub", "link", "fifo"), byName.keySet(), "no . or ..");
            assertEquals(FileType.REGULAR, byName.get("one").type());
            assertEquals(FileType.DIRECTORY, byName.get("sub").type());
            assertEquals(FileType.SYMLINK, byName.get("link").type());
            assertEquals(FileType.FIFO, byName.get("fifo").type());
            assertNull(byName.get("one").attributes());

            List<DirEntry> plus = call(new Calls.ReaddirPlus("/d")).entries();
            assertEquals(4, plus.size());
            for (DirEntry e : plus) {
                assertNotNull(e.attributes(), e.name());
                assertEquals(e.type(), e.attributes().type());
                assertEquals(e.ino(), e.attributes().ino());
            }
            assertEquals(0750, lstat("/d").permissions());

            assertErrno(Errno.EEXIST, new Calls.Mkdir("/d", 0755));
            assertErrno(Errno.ENOENT, new Calls.Mkdir("/missing/x", 0755));
            assertErrno(Errno.ENOTEMPTY, new Calls.Rmdir("/d"));
            assertErrno(Errno.ENOTDIR, new Calls.Readdir("/d/one"));
            assertErrno(Errno.ENOTDIR, new Calls.Lstat("/d/one/x"));
            assertErrno(Errno.ENOTDIR, new Calls.Rmdir("/d/one"));
            assertErrno(Errno.EISDIR, new Calls.Unlink("/d/sub"));
            assertErrno(Errno.EBUSY, new Calls.Rmdir("/"));

            call(new Calls.Rmdir("/d/sub"));
            call(new Calls.Unlink("/d/one"));
            call(new Calls.Unlink("/d/link"));
            call(new Calls.Unlink("/d/fifo"));
            call(new Calls.Rmdir("/d"));
            assertFalse(Files.exists(dir.resolve("d")));
            assertErrno(Errno.ENOENT, new Calls.Unlink("/d"));
        }

        @Test
        void renameAndLink() throws Exception {
            write("/a", "A");
            write("/b", "B");
            assertErrno(Errno.EEXIST, new Calls.Rename("/a", "/b", RENAME_NOREPLACE));
            call(new Calls.Rename("/a", "/c", 0));
            assertErrno(Errno.ENOENT, new Calls.Lstat("/a"));
            assertEquals("A", read("/c"));
            call(new Calls.Rename("/c", "/b", 0));
            assertEquals("A", read("/b"));

            call(new Calls.Link("/b", "/hard"));
            assertEquals(2, lstat("/b").nlink());
            assertEquals(lstat("/b").ino(), lstat("/hard").ino());
            assertErrno(Errno.EEXIST, new Calls.Link("/b", "/hard"));
            assertErrno(Errno.ENOENT, new Calls.Link("/nope", "/x"));
        }

        @Test
        void symlinkReadlink() throws Exception {
            call(new Calls.Symlink("some/where", "/l"));
            assertEquals("some/where", call(new Calls.Readlink("/l")));
            assertEquals(FileType.SYMLINK, lstat("/l").type());
            assertEquals("some/where", Files.readSymbolicLink(dir.resolve("l")).toString());
            write("/f", "x");
            assertErrno(Errno.EINVAL, new Calls.Readlink("/f"));
            assertErrno(Errno.EEXIST, new Calls.Symlink("x", "/f"));
        }

        @Test
        void mknodFifo() throws Exception {
            call(new Calls.Mknod("/fifo", S_IFIFO | 0600, 0));
            FileAttributes a = lstat("/fifo");
            assertEquals(FileType.FIFO, a.type());
            assertEquals(0600, a.permissions());
            assertErrno(Errno.EEXIST, new Calls.Mknod("/fifo", S_IFIFO | 0600, 0));
        }

        @Test
        void readdirPlusManyListsEachDirectoryWithNullsForFailures() throws Exception {
            call(new Calls.Mkdir("/a", 0755));
            call(new Calls.Mkdir("/b", 0755));
            write("/a/one", "1");
            write("/a/two", "22");
            write("/f", "x");
            List<Calls.Entries> l = call(new Calls.ReaddirPlusMany(List.of("/a", "/missing", "/b", "/f", "/"))).listings();
            assertEquals(5, l.size());
            Map<String, DirEntry> a = l.get(0).entries().stream().collect(Collectors.toMap(DirEntry::name, e -> e));
            assertEquals(java.util.Set.of("one", "two"), a.keySet());
            assertEquals(2, a.get("two").attributes().size());
            assertEquals(lstat("/a/two"), a.get("two").attributes());
            assertNull(l.get(1), "missing directory");
            assertEquals(List.of(), l.get(2).entries());
            assertNull(l.get(3), "not a directory");
            assertEquals(java.util.Set.of("a", "b", "f"),
                    l.get(4).entries().stream().map(DirEntry::name).collect(Collectors.toSet()));
            assertEquals(List.of(), call(new Calls.ReaddirPlusMany(List.of())).listings());
        }

        @Test
        void readdirPlusManyStopsBeforeTheReplyOverflowsAFrame() throws Exception {
            call(new Calls.Mkdir("/big", 0755));
            String longName = "n".repeat(200);
            for (int i = 0; i < 400; i++) {
                Files.createFile(dir.resolve("big").resolve(longName + i));
            }
            int perListing = RecordCodec.encodedSize(call(new Calls.ReaddirPlus("/big")), Calls.Entries.class);
            int fit = (Dispatcher.MAX_REPLY_BODY - 5) / perListing;
            List<String> dirs = java.util.Collections.nCopies(fit + 10, "/big");
            List<Calls.Entries> l = call(new Calls.ReaddirPlusMany(dirs)).listings();
            assertEquals(fit, l.size(), "as many listings as fit in one frame");
            assertEquals(400, l.getLast().entries().size());
        }

        @Test
        void lstatListHasNullsForFailures() throws Exception {
            write("/f", "x");
            List<FileAttributes> list = call(new Calls.LstatList("/", List.of("f", "missing", "..", "f/x", ""))).attributes();
            assertEquals(5, list.size());
            assertEquals(1, list.get(0).size());
            for (int i = 1; i < 5; i++) {
                assertNull(list.get(i), "element " + i);
            }
            assertErrno(Errno.ENOENT, new Calls.LstatList("/missing", List.of("f")));
        }

        @Test
        void rootAndDotDot() throws Exception {
            FileAttributes root = lstat("/");
            assertEquals(FileType.DIRECTORY, root.type());
            assertEquals(Files.getAttribute(dir, "unix:ino"), root.ino());
            assertEquals(root.ino(), lstat("/..").ino());
            assertEquals(root.ino(), lstat("").ino());
            assertErrno(Errno.EEXIST, new Calls.Mkdir("/", 0755));
        }
    }

    @Nested
    @DisplayName("attributes")
    class Attributes {
        @Test
        void chmodFollowsSymlinks() throws Exception {
            write("/f", "x");
            call(new Calls.Symlink("f", "/l"));
            call(new Calls.Chmod("/l", 0604));
            assertEquals(0604, lstat("/f").permissions());
            call(new Calls.Chmod("/f", 04755));
            assertEquals(04755, lstat("/f").permissions());
            assertErrno(Errno.ENOENT, new Calls.Chmod("/missing", 0644));
        }

        @Test
        void lchownDoesNotFollow() throws Exception {
            assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
            write("/f", "x");
            call(new Calls.Symlink("f", "/l"));
            call(new Calls.Lchown("/l", 1234, 5678));
            assertEquals(1234, lstat("/l").uid());
            assertEquals(5678, lstat("/l").gid());
            assertEquals(0, lstat("/f").uid());
            call(new Calls.Lchown("/f", -1, 42));
            assertEquals(0, lstat("/f").uid());
            assertEquals(42, lstat("/f").gid());
        }

        @Test
        void truncate() throws Exception {
            write("/f", "hello");
            call(new Calls.Truncate("/f", 2));
            assertEquals("he", read("/f"));
            call(new Calls.Truncate("/f", 10));
            assertEquals(10, lstat("/f").size());
            call(new Calls.Mkdir("/d", 0755));
            assertErrno(Errno.EISDIR, new Calls.Truncate("/d", 0));
        }

        @Test
        void utimensWithNanosecondsNowAndOmit() throws Exception {
            write("/f", "x");
            call(new Calls.Utimens("/f", new Timespec(1000, 123456789), new Timespec(2000, 987654321)));
            FileAttributes a = lstat("/f");
            assertEquals(new Timespec(1000, 123456789), a.atime());
            assertEquals(new Timespec(2000, 987654321), a.mtime());

            call(new Calls.Utimens("/f", Timespec.OMIT, new Timespec(3000, 5)));
            a = lstat("/f");
            assertEquals(new Timespec(1000, 123456789), a.atime(), "OMIT keeps atime");
            assertEquals(new Timespec(3000, 5), a.mtime());

            long before = Instant.now().getEpochSecond() - 5;
            call(new Calls.Utimens("/f", Timespec.NOW, Timespec.OMIT));
            a = lstat("/f");
            assertTrue(a.atime().sec() >= before, "NOW sets the current time");
            assertEquals(new Timespec(3000, 5), a.mtime());
        }

        @Test
        void utimensDoesNotFollow() throws Exception {
            write("/f", "x");
            call(new Calls.Symlink("f", "/l"));
            call(new Calls.Utimens("/f", new Timespec(100, 0), new Timespec(100, 0)));
            call(new Calls.Utimens("/l", new Timespec(200, 0), new Timespec(200, 0)));
            assertEquals(100, lstat("/f").mtime().sec());
            assertEquals(200, lstat("/l").mtime().sec());
        }

        @Test
        void statvfs() throws Exception {
            StatVfs s = call(new Calls.Statvfs("/"));
            assertTrue(s.bsize() > 0);
            assertTrue(s.blocks() > 0);
            assertTrue(s.namemax() >= 255);
            assertErrno(Errno.ENOENT, new Calls.Statvfs("/missing"));
        }

        @Test
        void xattrs() throws Exception {
            write("/f", "x");
            try {
                call(new Calls.Setxattr("/f", "user.test", "v1".getBytes(UTF_8), 0));
            } catch (GuestFsException e) {
                assumeTrue(e.errno() != Errno.EOPNOTSUPP, "no user xattrs on " + dir);
                throw e;
            }
            assertArrayEquals("v1".getBytes(UTF_8), call(new Calls.Getxattr("/f", "user.test")));
            assertTrue(call(new Calls.Listxattr("/f")).names().contains("user.test"));
            assertErrno(Errno.EEXIST, new Calls.Setxattr("/f", "user.test", new byte[0], XATTR_CREATE));
            call(new Calls.Setxattr("/f", "user.empty", new byte[0], 0));
            assertArrayEquals(new byte[0], call(new Calls.Getxattr("/f", "user.empty")));
            call(new Calls.Removexattr("/f", "user.test"));
            assertErrno(Errno.ENODATA, new Calls.Getxattr("/f", "user.test"));
            assertErrno(Errno.ENODATA, new Calls.Removexattr("/f", "user.test"));
            assertErrno(Errno.ENOENT, new Calls.Getxattr("/missing", "user.test"));

            call(new Calls.Setxattr("/", "user.root", "r".getBytes(UTF_8), 0));
            assertArrayEquals("r".getBytes(UTF_8), call(new Calls.Getxattr("/", "user.root")));
            assertTrue(call(new Calls.Listxattr("/")).names().contains("user.root"));
        }
    }

    @Nested
    @DisplayName("paths never leave the sysroot")
    class Confinement {
        private Path hostFile;

        @BeforeEach
        void layout() throws IOException {
            Files.createDirectories(dir.resolve("etc"));
            Files.writeString(dir.resolve("etc/passwd"), "inside\n");
            Files.createSymbolicLink(dir.resolve("escape"), Path.of("/"));
            Files.createSymbolicLink(dir.resolve("up"), Path.of("../../../../../../.."));
            Files.createSymbolicLink(dir.resolve("pw"), Path.of("/etc/passwd"));
            hostFile = Path.of("/tmp", "jguest-escape-" + ProcessHandle.current().pid());
            Files.deleteIfExists(hostFile);
            Files.createSymbolicLink(dir.resolve("dangling"), hostFile);
            Files.createDirectories(dir.resolve("tmp"));
        }

        @AfterEach
        void cleanUp() throws IOException {
            Files.deleteIfExists(hostFile);
            for (String link : List.of("escape", "up", "pw", "dangling")) {
                Files.deleteIfExists(dir.resolve(link)); // keeps JUnit from warning about outside targets
            }
        }

        @ParameterizedTest(name = "openat2={0}")
        @ValueSource(booleans = {true, false})
        void absoluteSymlinksAndDotDotStayInside(boolean openat2) throws Exception {
            open(openat2);
            assertEquals(openat2, sysroot.usesOpenat2());
            assertEquals("inside\n", read("/escape/etc/passwd"));
            assertEquals("inside\n", read("/up/etc/passwd"));
            assertEquals("inside\n", read("/../../etc/passwd"));
            assertEquals("inside\n", read("/etc/../../../etc/passwd"));
            assertEquals("inside\n", read("/pw"));
            assertEquals("inside\n", read("/escape/escape/pw"));
            assertEquals(lstat("/etc").ino(), lstat("/escape/etc").ino());
            assertEquals(lstat("/etc").ino(), lstat("/up/etc").ino());

            List<String> names = call(new Calls.Readdir("/escape")).entries().stream().map(DirEntry::name).toList();
            assertTrue(names.contains("pw") && names.contains("escape"), names.toString());
        }

        @ParameterizedTest(name = "openat2={0}")
        @ValueSource(booleans = {true, false})
        void symlinkLoopsAreEloop(boolean openat2) throws Exception {
            open(openat2);
            call(new Calls.Symlink("/b", "/a"));
            call(new Calls.Symlink("a", "/b"));
            assertErrno(Errno.ELOOP, new Calls.Open("/a", O_RDONLY, 0));
            assertErrno(Errno.ELOOP, new Calls.Readdir("/b/x"));
            assertEquals(FileType.SYMLINK, lstat("/a").type(), "lstat does not follow");
        }

        @ParameterizedTest(name = "openat2={0}")
        @ValueSource(booleans = {true, false})
        void changesThroughSymlinksStayInside(boolean openat2) throws Exception {
            open(openat2);
            call(new Calls.Mkdir("/escape/tmp/made", 0755));
            assertTrue(Files.isDirectory(dir.resolve("tmp/made")));
            write("/up/tmp/file", "w");
            assertEquals("w", Files.readString(dir.resolve("tmp/file")));

            call(new Calls.Chmod("/pw", 0600));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etc/passwd"))));

            long h = call(new Calls.Open("/dangling", O_CREAT | O_WRONLY, 0644));
            call(new Calls.Release(h));
            assertFalse(Files.exists(hostFile), "created outside the sysroot: " + hostFile);
            assertTrue(Files.exists(dir.resolve("tmp").resolve(hostFile.getFileName())), "created inside");

            call(new Calls.Truncate("/pw", 1));
            assertEquals("i", Files.readString(dir.resolve("etc/passwd")));
            assertErrno(Errno.ENOENT, new Calls.Lstat("/escape/" + dir.getFileName()));
        }
    }
}
