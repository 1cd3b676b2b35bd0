package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.assertErrno;
import static io.jguest.cli.it.GuestAssertions.bytes;
import static io.jguest.cli.it.GuestAssertions.random;
import static io.jguest.cli.it.GuestAssertions.readFile;
import static io.jguest.cli.it.GuestAssertions.writeFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@link io.jguest.api.GuestFileSystem} operation on ext4, with its errors. Drives:
 * {@code /dev/sda} read-write, mounted at {@code /}; {@code /dev/sdb} read-only, mounted {@code ro}
 * at {@code /ro} (EROFS); {@code /dev/sdc} read-only drive mounted read-write at {@code /scratch}
 * (the guest may write, the image must not change). The last test unmounts, shuts down and checks
 * the images on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ext4IT {
    static final int RENAME_NOREPLACE = 1;
    static final int XATTR_CREATE = 1;
    static final String HELLO = "hello\n";

    private Path content;
    private Path work;
    private ApplianceFixture appliance;
    private Guest guest;

    @BeforeAll
    void launch(@TempDir Path tmp) throws Exception {
        TestImages images = new TestImages(tmp);
        content = images.tree("work", Map.of(
                "hello.txt", HELLO,
                "dir/a.txt", "a\n",
                "dir/sub/", "",
                "link", "-> hello.txt",
                "ro/", "",
                "scratch/", ""));
        work = images.ext4("work.img", 64, "work", "5b4f3c2a-1d0e-4f9a-8b7c-6d5e4f3a2b1c", content);
        Path ro = images.ext4("ro.img", 16, "ro", "6c5a4b3c-2d1e-4f0a-9b8c-7d6e5f4a3b2c",
                images.tree("ro-content", Map.of("hello.txt", "read only\n")));
        Path rwOfRo = images.ext4("rw-of-ro.img", 16, "rwofro", "7d6b5c4d-3e2f-4a1b-8c9d-8e7f6a5b4c3d", null);
        appliance = ApplianceFixture.launch(Drive.readWrite(work), Drive.readOnly(ro), Drive.readOnly(rwOfRo));
        guest = appliance.guest();
        guest.mount("/dev/sda", "/", "", null);
        guest.mount("/dev/sdb", "/ro", "ro", null);
        guest.mount("/dev/sdc", "/scratch", "", null);
    }

    @AfterAll
    void close() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void lstatOfAFileCopiedByMkfs() throws Exception {
        FileAttributes a = guest.lstat("/hello.txt");
        Path host = content.resolve("hello.txt");
        assertEquals(FileType.REGULAR, a.type());
        assertEquals(HELLO.length(), a.size());
        assertEquals(1, a.nlink());
        assertEquals((int) Files.getAttribute(host, "unix:uid"), a.uid());
        assertEquals((int) Files.getAttribute(host, "unix:gid"), a.gid());
        assertEquals(Files.getLastModifiedTime(host).toInstant().getEpochSecond(), a.mtime().sec());
        assertTrue(a.ino() > 0);
        assertTrue(a.blksize() > 0);
        assertEquals(FileType.DIRECTORY, guest.lstat("/dir").type());
        assertEquals(FileType.SYMLINK, guest.lstat("/link").type());
    }

    @Test
    void lstatOfMissingIsEnoent() {
        assertErrno(Errno.ENOENT, () -> guest.lstat("/no/such/file"));
        assertErrno(Errno.ENOENT, () -> guest.lstat("/nope"));
    }

    @Test
    void readdirListsNamesAndTypes() throws Exception {
        Map<String, FileType> root = guest.readdir("/").stream()
                .collect(Collectors.toMap(DirEntry::name, DirEntry::type));
        assertEquals(FileType.REGULAR, root.get("hello.txt"));
        assertEquals(FileType.DIRECTORY, root.get("dir"));
        assertEquals(FileType.SYMLINK, root.get("link"));
        assertFalse(root.containsKey("."));
        assertFalse(root.containsKey(".."));
        assertEquals(List.of("a.txt", "sub"), guest.readdir("/dir").stream().map(DirEntry::name).sorted().toList());
        assertErrno(Errno.ENOENT, () -> guest.readdir("/missing"));
        assertErrno(Errno.ENOTDIR, () -> guest.readdir("/hello.txt"));
    }

    @Test
    void readdirPlusCarriesTheSameAttributesAsLstat() throws Exception {
        List<DirEntry> entries = guest.readdirPlus("/dir");
        assertEquals(2, entries.size());
        for (DirEntry e : entries) {
            assertNotNull(e.attributes(), e.name());
            FileAttributes l = guest.lstat("/dir/" + e.name());
            assertEquals(l.ino(), e.attributes().ino());
            assertEquals(l.mode(), e.attributes().mode());
            assertEquals(l.size(), e.attributes().size());
            assertEquals(l.mtime(), e.attributes().mtime());
            assertEquals(l.ino(), e.ino());
        }
    }

    @Test
    void lstatListGivesNullForMissingNames() throws Exception {
        List<FileAttributes> list = guest.lstatList("/", List.of("hello.txt", "missing", "dir"));
        assertEquals(3, list.size());
        assertEquals(guest.lstat("/hello.txt").ino(), list.get(0).ino());
        assertNull(list.get(1));
        assertEquals(FileType.DIRECTORY, list.get(2).type());
    }

    @Test
    void readlinkReturnsTheTarget() throws Exception {
        assertEquals("hello.txt", guest.readlink("/link"));
        assertErrno(Errno.EINVAL, () -> guest.readlink("/hello.txt"));
        assertErrno(Errno.ENOENT, () -> guest.readlink("/nolink"));
    }

    @Test
    void createWriteReadTruncateRelease() throws Exception {
        byte[] mib = random(1 << 20, 1);
        long h = guest.open("/new.bin", OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0640);
        assertEquals(mib.length, guest.pwrite(h, 0, mib));
        assertArrayEquals(mib, guest.pread(h, 0, 1 << 20));
        assertEquals(0, guest.pread(h, 1 << 20, 4096).length);
        guest.fsync(h, false);
        guest.fsync(h, true);
        FileAttributes a = guest.lstat("/new.bin");
        assertEquals(1 << 20, a.size());
        assertEquals(0640, a.permissions());
        guest.ftruncate(h, 100);
        assertEquals(100, guest.lstat("/new.bin").size());
        assertArrayEquals(Arrays.copyOf(mib, 100), guest.pread(h, 0, 1 << 20));
        guest.release(h);
        assertErrno(Errno.EBADF, () -> guest.release(h));
        assertErrno(Errno.EBADF, () -> guest.pread(h, 0, 1));
        assertErrno(Errno.EEXIST, () -> guest.open("/new.bin", OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644));
        assertErrno(Errno.ENOENT, () -> guest.open("/missing", OpenFlags.O_RDONLY, 0));
        assertErrno(Errno.ENOTDIR, () -> guest.open("/hello.txt/x", OpenFlags.O_RDONLY, 0));
        assertErrno(Errno.EISDIR, () -> guest.open("/dir", OpenFlags.O_WRONLY, 0));
    }

    @Test
    void createReturnsAnOwnedOpenFileWithItsAttributes() throws Exception {
        OpenFile f = guest.create("/created.txt", OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0640, 1234, 5678);
        try {
            FileAttributes a = f.attributes();
            assertEquals(FileType.REGULAR, a.type());
            assertEquals(0640, a.permissions());
            assertEquals(1234, a.uid());
            assertEquals(5678, a.gid());
            assertEquals(0, a.size());
            assertEquals(guest.lstat("/created.txt"), a, "the attributes are those of the new file");
            assertEquals(HELLO.length(), guest.pwrite(f.handle(), 0, bytes(HELLO)));
            assertArrayEquals(bytes(HELLO), guest.pread(f.handle(), 0, 100), "opened read-write");
        } finally {
            guest.release(f.handle());
        }
        assertErrno(Errno.EEXIST, () -> guest.create("/created.txt",
                OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0644, -1, -1));
        OpenFile again = guest.create("/created.txt", OpenFlags.O_RDONLY, 0600, -1, 42);
        guest.release(again.handle());
        assertEquals(HELLO.length(), again.attributes().size(), "without O_EXCL the existing file is opened");
        assertEquals(1234, again.attributes().uid(), "uid -1 is left alone");
        assertEquals(42, again.attributes().gid());
        assertEquals(0640, again.attributes().permissions(), "the mode applies only to a new file");
        assertErrno(Errno.ENOENT, () -> guest.create("/missing/x", OpenFlags.O_WRONLY, 0644, -1, -1));
        assertErrno(Errno.EROFS, () -> guest.create("/ro/x", OpenFlags.O_WRONLY, 0644, -1, -1));
    }

    @Test
    void readdirPlusManyListsSeveralDirectoriesInOneCall() throws Exception {
        List<List<DirEntry>> lists = guest.readdirPlusMany(List.of("/dir", "/missing", "/dir/sub", "/hello.txt", "/ro"));
        assertEquals(5, lists.size());
        List<DirEntry> dir = lists.get(0).stream().sorted(Comparator.comparing(DirEntry::name)).toList();
        assertEquals(List.of("a.txt", "sub"), dir.stream().map(DirEntry::name).toList());
        for (DirEntry e : dir) {
            FileAttributes l = guest.lstat("/dir/" + e.name()); // not equals: listing /dir/sub changed its atime
            assertEquals(l.ino(), e.attributes().ino());
            assertEquals(l.mode(), e.attributes().mode());
            assertEquals(l.size(), e.attributes().size());
            assertEquals(l.mtime(), e.attributes().mtime());
        }
        assertNull(lists.get(1), "a missing directory");
        assertEquals(List.of(), lists.get(2));
        assertNull(lists.get(3), "not a directory");
        DirEntry roHello = lists.get(4).stream().filter(e -> e.name().equals("hello.txt")).findFirst().orElseThrow();
        assertEquals(guest.lstat("/ro/hello.txt"), roHello.attributes());
    }

    @Test
    void megabyteRequestsOverALargeFile() throws Exception {
        byte[] data = random((7 << 20) / 2 + 123, 2); // 3.5 MiB + 123 bytes
        writeFile(guest, "/large.bin", data);
        assertEquals(data.length, guest.lstat("/large.bin").size());
        long h = guest.open("/large.bin", OpenFlags.O_RDONLY, 0);
        try {
            byte[] first = guest.pread(h, 0, 1 << 20);
            assertEquals(1 << 20, first.length);
            byte[] tail = guest.pread(h, 3L << 20, 1 << 20);
            assertEquals(data.length - (3 << 20), tail.length);
            assertArrayEquals(Arrays.copyOfRange(data, 3 << 20, data.length), tail);
        } finally {
            guest.release(h);
        }
        assertArrayEquals(data, readFile(guest, "/large.bin"));
    }

    @Test
    void mkdirRmdirAndTheirErrors() throws Exception {
        guest.mkdir("/d1", 0750);
        assertEquals(FileType.DIRECTORY, guest.lstat("/d1").type());
        assertEquals(0750, guest.lstat("/d1").permissions());
        assertErrno(Errno.EEXIST, () -> guest.mkdir("/d1", 0755));
        guest.mkdir("/d1/inner", 0755);
        assertErrno(Errno.ENOTEMPTY, () -> guest.rmdir("/d1"));
        guest.rmdir("/d1/inner");
        guest.rmdir("/d1");
        assertErrno(Errno.ENOENT, () -> guest.lstat("/d1"));
        assertErrno(Errno.ENOENT, () -> guest.rmdir("/d1"));
        assertErrno(Errno.ENOENT, () -> guest.mkdir("/no/parent", 0755));
        assertErrno(Errno.ENOTDIR, () -> guest.rmdir("/hello.txt"));
    }

    @Test
    void unlinkAndItsErrors() throws Exception {
        writeFile(guest, "/gone.txt", bytes("x"));
        guest.unlink("/gone.txt");
        assertErrno(Errno.ENOENT, () -> guest.lstat("/gone.txt"));
        assertErrno(Errno.ENOENT, () -> guest.unlink("/gone.txt"));
        assertErrno(Errno.EISDIR, () -> guest.unlink("/dir"));
    }

    @Test
    void renamePlainAndNoReplace() throws Exception {
        writeFile(guest, "/r-a", bytes("a"));
        writeFile(guest, "/r-b", bytes("b"));
        guest.rename("/r-a", "/r-c", 0);
        assertErrno(Errno.ENOENT, () -> guest.lstat("/r-a"));
        assertErrno(Errno.EEXIST, () -> guest.rename("/r-c", "/r-b", RENAME_NOREPLACE));
        guest.rename("/r-c", "/r-b", 0);
        assertArrayEquals(bytes("a"), readFile(guest, "/r-b"));
        assertErrno(Errno.ENOENT, () -> guest.rename("/r-missing", "/r-x", 0));
        guest.mkdir("/r-dir", 0755);
        writeFile(guest, "/r-dir/f", bytes("f"));
        guest.mkdir("/r-empty", 0755);
        assertErrno(Errno.ENOTEMPTY, () -> guest.rename("/r-empty", "/r-dir", 0));
    }

    @Test
    void symlinkAndHardLink() throws Exception {
        guest.symlink("target/that/does/not/exist", "/sl");
        assertEquals(FileType.SYMLINK, guest.lstat("/sl").type());
        assertEquals("target/that/does/not/exist", guest.readlink("/sl"));
        assertErrno(Errno.EEXIST, () -> guest.symlink("x", "/sl"));
        writeFile(guest, "/hl-src", bytes("linked"));
        guest.link("/hl-src", "/hl-dst");
        assertEquals(2, guest.lstat("/hl-src").nlink());
        assertEquals(guest.lstat("/hl-src").ino(), guest.lstat("/hl-dst").ino());
        assertErrno(Errno.EEXIST, () -> guest.link("/hl-src", "/hl-dst"));
        guest.unlink("/hl-dst");
        assertEquals(1, guest.lstat("/hl-src").nlink());
    }

    @Test
    void mknodMakesAFifo() throws Exception {
        guest.mknod("/fifo", FileType.FIFO.bits() | 0644, 0);
        FileAttributes a = guest.lstat("/fifo");
        assertEquals(FileType.FIFO, a.type());
        assertEquals(0644, a.permissions());
        assertErrno(Errno.EEXIST, () -> guest.mknod("/fifo", FileType.FIFO.bits() | 0644, 0));
    }

    @Test
    void chmodLchownTruncate() throws Exception {
        writeFile(guest, "/attrs", bytes("0123456789"));
        guest.chmod("/attrs", 0600);
        assertEquals(0600, guest.lstat("/attrs").permissions());
        guest.lchown("/attrs", 1000, 1001);
        assertEquals(1000, guest.lstat("/attrs").uid());
        assertEquals(1001, guest.lstat("/attrs").gid());
        guest.lchown("/attrs", -1, 1002);
        assertEquals(1000, guest.lstat("/attrs").uid());
        assertEquals(1002, guest.lstat("/attrs").gid());
        guest.truncate("/attrs", 12345);
        assertEquals(12345, guest.lstat("/attrs").size());
        guest.truncate("/attrs", 3);
        assertArrayEquals(bytes("012"), readFile(guest, "/attrs"));
        assertErrno(Errno.ENOENT, () -> guest.chmod("/nope", 0644));
        assertErrno(Errno.ENOENT, () -> guest.truncate("/nope", 0));
    }

    @Test
    void utimensWithNanosecondsNowAndOmit() throws Exception {
        writeFile(guest, "/times", bytes("t"));
        Timespec atime = new Timespec(1_000_000_000L, 123_456_789);
        Timespec mtime = new Timespec(1_500_000_000L, 987_654_321);
        guest.utimens("/times", atime, mtime);
        FileAttributes a = guest.lstat("/times");
        assertEquals(atime, a.atime());
        assertEquals(mtime, a.mtime());
        guest.utimens("/times", Timespec.OMIT, Timespec.NOW);
        FileAttributes b = guest.lstat("/times");
        assertEquals(atime, b.atime());
        assertTrue(b.mtime().sec() > mtime.sec(), "mtime set to now: " + b.mtime());
        guest.symlink("times", "/times-link");
        guest.utimens("/times-link", mtime, mtime);
        assertEquals(mtime, guest.lstat("/times-link").mtime());
        assertEquals(b.mtime(), guest.lstat("/times").mtime(), "utimens does not follow symlinks");
    }

    @Test
    void statvfsDescribesTheFilesystem() throws Exception {
        StatVfs s = guest.statvfs("/");
        assertTrue(s.bsize() > 0);
        assertTrue(s.blocks() > 0);
        assertTrue(s.bfree() <= s.blocks());
        assertTrue(s.files() > 0);
        assertEquals(255, s.namemax());
    }

    @Test
    void extendedAttributes() throws Exception {
        writeFile(guest, "/xattr", bytes("x"));
        byte[] value = bytes("value\0with nul");
        guest.setxattr("/xattr", "user.jguest", value, 0);
        assertArrayEquals(value, guest.getxattr("/xattr", "user.jguest"));
        assertTrue(guest.listxattr("/xattr").contains("user.jguest"));
        assertErrno(Errno.EEXIST, () -> guest.setxattr("/xattr", "user.jguest", value, XATTR_CREATE));
        guest.removexattr("/xattr", "user.jguest");
        assertErrno(Errno.ENODATA, () -> guest.getxattr("/xattr", "user.jguest"));
        assertFalse(guest.listxattr("/xattr").contains("user.jguest"));
        assertErrno(Errno.ENODATA, () -> guest.removexattr("/xattr", "user.jguest"));
    }

    @Test
    void readOnlyMountGivesErofs() throws Exception {
        assertArrayEquals(bytes("read only\n"), readFile(guest, "/ro/hello.txt"));
        assertErrno(Errno.EROFS, () -> guest.open("/ro/new", OpenFlags.O_WRONLY | OpenFlags.O_CREAT, 0644));
        assertErrno(Errno.EROFS, () -> guest.open("/ro/hello.txt", OpenFlags.O_WRONLY, 0));
        assertErrno(Errno.EROFS, () -> guest.mkdir("/ro/d", 0755));
        assertErrno(Errno.EROFS, () -> guest.unlink("/ro/hello.txt"));
        assertErrno(Errno.EROFS, () -> guest.chmod("/ro/hello.txt", 0600));
        assertErrno(Errno.EROFS, () -> guest.rename("/ro/hello.txt", "/ro/other", 0));
        assertErrno(Errno.EROFS, () -> guest.setxattr("/ro/hello.txt", "user.x", bytes("v"), 0));
    }

    @Test
    void readOnlyDriveMountedReadWriteAcceptsWrites() throws Exception {
        byte[] data = random(1 << 20, 3);
        writeFile(guest, "/scratch/written.bin", data);
        guest.mkdir("/scratch/dir", 0755);
        guest.sync();
        assertArrayEquals(data, readFile(guest, "/scratch/written.bin"));
    }

    @Test
    void concurrentCallsAreAllAnswered() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 10; i++) {
                            assertEquals(HELLO.length(), guest.lstat("/hello.txt").size());
                            assertArrayEquals(bytes(HELLO), readFile(guest, "/hello.txt"));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
        });
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void lastWritesPersistUnmountsAndLeavesReadOnlyImagesUnchanged() throws Exception {
        writeFile(guest, "/persisted.txt", bytes("kept\n"));
        guest.sync();
        guest.umountAll();
        assertErrno(Errno.ENOENT, () -> guest.lstat("/persisted.txt"));
        appliance.close(); // and ro.img and rw-of-ro.img, attached read-only, are unchanged
        assertEquals("kept\n", Tool.run("debugfs", "-R", "cat /persisted.txt", work.toString()).stdout());
    }
}
