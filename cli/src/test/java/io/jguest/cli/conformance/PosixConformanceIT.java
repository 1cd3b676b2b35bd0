package io.jguest.cli.conformance;

import static io.jguest.cli.conformance.Python.As.NOBODY;
import static io.jguest.cli.conformance.Python.As.NOBODY_ID;
import static io.jguest.cli.conformance.Python.As.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import io.jguest.cli.it.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * POSIX behaviour through a real guestmount, once per filesystem: a fresh image, one
 * {@code guestmount -o allow_other} (which adds {@code default_permissions}), every check on that
 * mount, each in its own directory, run as root or, through {@code setpriv}, as uid/gid 65534; then
 * guestunmount and the filesystem's own checker in no-change mode, which must find the image clean.
 * A check the format cannot pass (FAT has no owners) skips itself with the reason; each is listed in
 * {@code docs/conformance.md}.
 */
@ParameterizedClass(name = "posix: {0}")
@EnumSource(PosixConformanceIT.Fs.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosixConformanceIT {
    /** A gid nobody in the checks belongs to. */
    private static final int GROUP = 1234;
    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    /** What a check needs from the format beyond files and directories. */
    enum Feature { OWNERS, LINKS, NODES, NANOSECONDS, CTIME, DIRECTORY_NLINK, BYTE_NAMES, UNLINKED_OPEN_HAS_NO_NAME }

    /** The filesystems, each with what it lacks and why. */
    enum Fs {
        ext4(Map.of(), "e2fsck", "-fn"),
        xfs(Map.of(), "xfs_repair", "-n"),
        vfat(Map.of(
                Feature.OWNERS, "FAT stores no owner, group or permission bits: the mount options decide them",
                Feature.LINKS, "FAT has no symbolic or hard links",
                Feature.NODES, "FAT has no device nodes or FIFOs",
                Feature.NANOSECONDS, "FAT keeps modification times in 2 s and access times in days",
                Feature.CTIME, "FAT has no inode change time",
                Feature.BYTE_NAMES, "FAT limits names to 255 UTF-16 units, not 255 bytes"),
                "fsck.vfat", "-n"),
        ntfs(Map.of(
                Feature.OWNERS, "ntfs-3g without its 'permissions' option (the appliance mounts with the defaults)"
                        + " shows every file as root's with mode 0777 and ignores chmod and chown",
                Feature.DIRECTORY_NLINK, "ntfs-3g gives every directory a link count of 1 (NTFS counts no subdirectories)",
                Feature.UNLINKED_OPEN_HAS_NO_NAME, "ntfs-3g (a libfuse filesystem in the appliance) keeps a file unlinked"
                        + " while open under a hidden name until its last close: its directory is not empty (ENOTEMPTY)",
                Feature.BYTE_NAMES, "NTFS limits names to 255 UTF-16 units, not 255 bytes"),
                "ntfsfix", "-n");

        final Map<Feature, String> missing;
        final List<String> check;

        Fs(Map<Feature, String> missing, String... check) {
            this.missing = missing;
            this.check = List.of(check);
        }
    }

    @TempDir
    static Path tmp;

    @Parameter
    Fs fs;

    private MountTool tool;
    private Path image;
    private Path mnt;

    @BeforeParameterizedClassInvocation
    void mount() throws IOException {
        Path work = Python.reachable(Files.createDirectories(tmp.resolve(fs.name())));
        Python.reachable(tmp);
        tool = new MountTool(work);
        TestImages images = new TestImages(work);
        image = switch (fs) {
            case ext4 -> images.ext4("posix.img", 64, "posix", "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", null);
            case xfs -> images.xfs("posix.img", "posix", "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e");
            case vfat -> images.vfat("posix.img", 64, "POSIX", "0A0B0C0D", Map.of());
            case ntfs -> images.ntfs("posix.img", 64, "posix", Map.of());
        };
        mnt = tool.mount(Python.reachable(tool.mountpoint("mnt")), "-a", image.toString(), "-m", "/dev/sda",
                "-o", "allow_other");
    }

    @AfterParameterizedClassInvocation
    void unmountAndCheck() throws Exception {
        try {
            if (mnt != null && MountTool.isMounted(mnt)) {
                MountTool.Result r = tool.guestunmount(mnt.toString());
                assertEquals(0, r.exitCode(), r::toString);
                tool.assertNothingLeft();
                List<String> check = new java.util.ArrayList<>(fs.check);
                check.add(image.toString());
                Tool.run(Map.of(), null, check);   // fails the group with the checker's output unless clean
            }
        } finally {
            tool.close();
        }
    }

    // ================================================================ permissions and owners

    @Test
    void permissionsAreCheckedForOtherUsers(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0755);
        Path secret = file(d, "secret", "s", 0600);
        Path shared = file(d, "shared", "readable", 0644);
        assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1]).read()", secret));
        assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1], 'a')", secret));
        assertEquals("readable", Python.run(NOBODY, "print(open(sys.argv[1]).read())", shared));
        assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1], 'a')", shared));
        assertEquals("EACCES", Python.errno(NOBODY, "os.unlink(sys.argv[1])", shared));
        assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1], 'w')", d.resolve("new")));
        assertEquals("EPERM", Python.errno(NOBODY, "os.chmod(sys.argv[1], 0o666)", shared));
        assertEquals("EPERM", Python.errno(NOBODY, "os.chown(sys.argv[1], 65534, 65534)", shared));
        assertEquals(0644, mode(shared) & 07777);
    }

    @Test
    void newNodesBelongToTheCaller(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0777);
        Python.run(NOBODY, "open(sys.argv[1], 'w').close(); os.mkdir(sys.argv[2])", d.resolve("file"), d.resolve("dir"));
        assertOwner(d.resolve("file"), NOBODY_ID, NOBODY_ID);
        assertOwner(d.resolve("dir"), NOBODY_ID, NOBODY_ID);
        if (!fs.missing.containsKey(Feature.LINKS)) {
            Python.run(NOBODY, "os.symlink('file', sys.argv[1])", d.resolve("link"));
            assertOwner(d.resolve("link"), NOBODY_ID, NOBODY_ID);
        }
        if (!fs.missing.containsKey(Feature.NODES)) {
            Python.run(NOBODY, "os.mkfifo(sys.argv[1])", d.resolve("fifo"));
            assertOwner(d.resolve("fifo"), NOBODY_ID, NOBODY_ID);
            // a device node needs CAP_MKNOD: root, here with another group
            String dev = Python.run(Python.As.rootWithGroup(GROUP), """
                    os.mknod(sys.argv[1], stat.S_IFCHR | 0o640, os.makedev(1, 3))
                    s = os.lstat(sys.argv[1])
                    print(stat.S_ISCHR(s.st_mode), os.major(s.st_rdev), os.minor(s.st_rdev), s.st_uid, s.st_gid)
                    """, d.resolve("null"));
            assertEquals("True 1 3 0 " + GROUP, dev);
        }
    }

    @Test
    void theUmaskIsHonoured(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0777);
        String modes = Python.run(NOBODY, """
                d = sys.argv[1]
                for umask in [0o027, 0]:
                    os.umask(umask)
                    os.close(os.open(d + "/f%o" % umask, os.O_CREAT | os.O_WRONLY, 0o666))
                    os.mkdir(d + "/d%o" % umask, 0o777)
                    print("%o %o" % (stat.S_IMODE(os.lstat(d + "/f%o" % umask).st_mode),
                                     stat.S_IMODE(os.lstat(d + "/d%o" % umask).st_mode)))
                """, d);
        assertEquals("640 750\n666 777", modes);
    }

    @Test
    void aSetgidDirectoryPassesItsGroupOn(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0777);
        Files.setAttribute(d, "unix:gid", GROUP);
        Files.setAttribute(d, "unix:mode", S_ISGID | 0777);
        String made = Python.run(NOBODY, """
                d = sys.argv[1]
                open(d + "/file", "w").close()
                os.mkdir(d + "/sub")
                os.mkdir(d + "/sub/inner")
                for name in ["file", "sub", "sub/inner"]:
                    s = os.lstat(d + "/" + name)
                    print(name, s.st_uid, s.st_gid, bool(s.st_mode & stat.S_ISGID))
                """, d);
        assertEquals("file 65534 " + GROUP + " False\nsub 65534 " + GROUP + " True\nsub/inner 65534 " + GROUP + " True",
                made);
    }

    @Test
    void setuidAndSetgidAreClearedWhenAnotherUserWritesOrTruncates(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0777);
        Path written = file(d, "written", "data", S_ISUID | S_ISGID | 0777);
        Path truncated = file(d, "truncated", "data", S_ISUID | S_ISGID | 0777);
        Path byRoot = file(d, "by-root", "data", S_ISUID | S_ISGID | 0777);
        Python.run(NOBODY, "open(sys.argv[1], 'a').write('more')", written);
        Python.run(NOBODY, "os.truncate(sys.argv[1], 1)", truncated);
        Python.run(ROOT, "open(sys.argv[1], 'a').write('more')", byRoot);   // CAP_FSETID keeps them
        assertEquals(0777, mode(written) & 07777, "after a write by another user");
        assertEquals("datamore", Files.readString(written));
        assertEquals(0777, mode(truncated) & 07777, "after a truncate by another user");
        assertEquals(1, Files.size(truncated));
        assertEquals(S_ISUID | S_ISGID | 0777, mode(byRoot) & 07777, "after a write by root");
    }

    // ================================================================ names

    @Test
    void aComponentOver255BytesIsTooLong(TestInfo test) throws Exception {
        Path d = dir(test, 0755);
        Path tooLong = d.resolve("n".repeat(256));
        Path longest = d.resolve("m".repeat(255));
        assertEquals("ENAMETOOLONG", Python.errno(ROOT, "open(sys.argv[1], 'w')", tooLong));
        assertEquals("ENAMETOOLONG", Python.errno(ROOT, "os.mkdir(sys.argv[1])", tooLong));
        assertEquals("ENAMETOOLONG", Python.errno(ROOT, "os.stat(sys.argv[1])", tooLong));
        Files.writeString(longest, "255");
        assertEquals("ENAMETOOLONG", Python.errno(ROOT, "os.rename(sys.argv[1], sys.argv[2])", longest, tooLong));
        if (!fs.missing.containsKey(Feature.LINKS)) {
            assertEquals("ENAMETOOLONG", Python.errno(ROOT, "os.symlink('x', sys.argv[1])", tooLong));
            assertEquals("ENAMETOOLONG", Python.errno(ROOT, "os.link(sys.argv[1], sys.argv[2])", longest, tooLong));
        }
        // 128 two-byte characters: 256 bytes, too long where names are limited in bytes
        Path wide = d.resolve("é".repeat(128));
        String wideResult = Python.errno(ROOT, "open(sys.argv[1], 'w')", wide);
        assertEquals(fs.missing.containsKey(Feature.BYTE_NAMES) ? "ok" : "ENAMETOOLONG", wideResult);
        List<String> expected = new java.util.ArrayList<>(List.of(longest.getFileName().toString()));
        if (wideResult.equals("ok")) {
            expected.add(wide.getFileName().toString());
        }
        assertEquals(expected.stream().sorted().toList(), names(d));
        assertEquals("255", Files.readString(longest));
    }

    // ================================================================ times

    @Test
    void timesKeepNanoseconds(TestInfo test) throws Exception {
        requires(Feature.NANOSECONDS);
        Path f = file(dir(test, 0755), "f", "t", 0644);
        // multiples of 100 ns: NTFS's resolution
        long atime = 1_000_000_001_123_456_700L;
        long mtime = 1_100_000_000_987_654_300L;
        assertEquals(atime + " " + mtime, Python.run(ROOT, """
                os.utime(sys.argv[1], ns=(int(sys.argv[2]), int(sys.argv[3])))
                s = os.stat(sys.argv[1])
                print(s.st_atime_ns, s.st_mtime_ns)
                """, f, atime, mtime));
    }

    @Test
    void utimeNowAndOmit(TestInfo test) throws Exception {
        Path f = file(dir(test, 0755), "f", "t", 0644);
        // midnights of 2001 (UTC): FAT keeps access times in days
        long sec = 999_993_600L;
        long later = sec + 10 * 86_400L;
        assertEquals(sec + " " + sec, seconds(utimensat(f, sec, 0, sec, 0)));
        assertEquals(sec + " " + later, seconds(utimensat(f, 0, UTIME_OMIT, later, 0)), "UTIME_OMIT for atime");
        String[] now = seconds(utimensat(f, 0, UTIME_NOW, 0, UTIME_OMIT)).split(" ");
        assertTrue(Long.parseLong(now[0]) > later, () -> "UTIME_NOW gave atime " + now[0]);
        assertEquals(Long.toString(later), now[1], "UTIME_OMIT for mtime changed it");
    }

    @Test
    void ctimeChangesOnChmodChownLinkAndRename(TestInfo test) throws Exception {
        requires(Feature.CTIME);
        Path d = dir(test, 0755);
        Path f = file(d, "f", "c", 0644);
        if (!fs.missing.containsKey(Feature.OWNERS)) {
            assertCtimeChanges(d, f, "chmod", () -> Files.setAttribute(f, "unix:mode", 0600));
            assertCtimeChanges(d, f, "chown", () -> Files.setAttribute(f, "unix:gid", GROUP));
        }
        Path moved = d.resolve("moved");
        assertCtimeChanges(d, f, moved, "rename", () -> Files.move(f, moved));
        if (!fs.missing.containsKey(Feature.LINKS)) {
            // seen through the new name: libfuse 2 gives each name of a file its own kernel inode, so the
            // other name shows the new ctime and link count only once its attributes expire (1 s; docs)
            Path link = d.resolve("link");
            assertCtimeChanges(d, moved, link, "link", () -> Files.createLink(link, moved));
            assertEquals(2, nlink(link));
        }
    }

    // ================================================================ sizes and link counts

    @Test
    void aHugeTruncateWorksOrIsRefused(TestInfo test) throws Exception {
        Path f = file(dir(test, 0755), "f", "abc", 0644);
        for (long size : List.of(1L << 40, Long.MAX_VALUE)) {
            String r = Python.errno(ROOT, "os.truncate(sys.argv[1], int(sys.argv[2]))", f, size);
            assertTrue(List.of("ok", "EFBIG", "EINVAL").contains(r), () -> "truncate to " + size + ": " + r);
            if (r.equals("ok")) {
                assertEquals(size, Files.size(f));
            }
        }
        Python.run(ROOT, "os.truncate(sys.argv[1], 3)", f);
        assertEquals("abc", Files.readString(f));
    }

    @Test
    void aDirectoryHasTwoLinksPlusOnePerSubdirectory(TestInfo test) throws Exception {
        requires(Feature.DIRECTORY_NLINK);
        Path d = dir(test, 0755);
        assertEquals(2, nlink(d));
        Files.createDirectory(d.resolve("a"));
        Files.createDirectory(d.resolve("b"));
        Files.writeString(d.resolve("file"), "not a directory");
        assertEquals(4, nlink(d));
        Files.delete(d.resolve("b"));
        assertEquals(3, nlink(d));
    }

    // ================================================================ open files

    /** Python: {@code fd} is open on {@code d/f} (holding "hello"), which is unlinked; {@code d} is argv[1]. */
    private static final String OPEN_AND_UNLINK = """
            d = sys.argv[1]
            fd = os.open(d + "/f", os.O_CREAT | os.O_RDWR, 0o644)
            os.write(fd, b"hello")
            os.unlink(d + "/f")
            """;

    @Test
    void anUnlinkedOpenFileStaysUsableUntilClosed(TestInfo test) throws Exception {
        Path d = dir(test, 0755);
        String r = Python.run(ROOT, OPEN_AND_UNLINK + """
                print(os.fstat(fd).st_nlink, os.listdir(d))
                os.pwrite(fd, b"J", 0)
                os.write(fd, b" world")
                print(os.pread(fd, 100, 0).decode(), os.fstat(fd).st_size)
                os.close(fd)
                print(os.listdir(d))
                """, d);
        assertEquals("0 []\nJello world 11\n[]", r);
    }

    @Test
    void anUnlinkedOpenFileIsStillChangedThroughItsDescriptor(TestInfo test) throws Exception {
        requires(Feature.OWNERS);
        Path d = dir(test, 0777);
        Path f = file(d, "setuid", "data", S_ISUID | S_ISGID | 0777);
        // the kernel clears the bits of root's file written by another user with a chmod of the unlinked file
        assertEquals("777 0", Python.run(NOBODY, """
                fd = os.open(sys.argv[1], os.O_RDWR)
                os.unlink(sys.argv[1])
                os.write(fd, b"x")
                s = os.fstat(fd)
                print("%o" % stat.S_IMODE(s.st_mode), s.st_nlink)
                os.close(fd)
                """, f));
        assertEquals("600 1234:1234 1000000000000000000 1100000000000000000 0", Python.run(ROOT, OPEN_AND_UNLINK + """
                os.fchmod(fd, 0o600)
                os.fchown(fd, 1234, 1234)
                os.utime(fd, ns=(1_000_000_000_000_000_000, 1_100_000_000_000_000_000))
                s = os.fstat(fd)
                print("%o %d:%d" % (stat.S_IMODE(s.st_mode), s.st_uid, s.st_gid), s.st_atime_ns, s.st_mtime_ns, s.st_nlink)
                os.close(fd)
                """, d));
    }

    @Test
    void aDirectoryHoldingOnlyAnUnlinkedOpenFileCanBeMovedAndRemoved(TestInfo test) throws Exception {
        requires(Feature.UNLINKED_OPEN_HAS_NO_NAME);
        Path d = dir(test, 0755);
        String r = Python.run(ROOT, OPEN_AND_UNLINK + """
                os.rename(d, d + "-moved")
                print(os.fstat(fd).st_nlink)
                os.rmdir(d + "-moved")   # now no name leads to the file at all
                os.write(fd, b" world")
                os.fsync(fd)
                print(os.pread(fd, 100, 0).decode())
                os.close(fd)
                print(os.path.exists(d), os.path.exists(d + "-moved"))
                """, d);
        assertEquals("0\nhello world\nFalse False", r);
    }

    @Test
    void renamingOverAnOpenFileKeepsItsData(TestInfo test) throws Exception {
        Path d = dir(test, 0755);
        Path target = file(d, "target", "old", 0644);
        Path source = file(d, "source", "new", 0644);
        String r = Python.run(ROOT, """
                fd = os.open(sys.argv[2], os.O_RDWR)
                os.rename(sys.argv[1], sys.argv[2])
                s = os.fstat(fd)
                print(os.pread(fd, 100, 0).decode(), s.st_nlink, s.st_size)
                os.pwrite(fd, b"OLD", 0)
                print(os.pread(fd, 100, 0).decode())
                os.close(fd)
                """, source, target);
        assertEquals("old 0 3\nOLD", r);
        assertEquals(List.of("target"), names(d));
        assertEquals("new", Files.readString(target));
    }

    // ================================================================ helpers

    private void requires(Feature f) {
        String why = fs.missing.get(f);
        Assumptions.assumeTrue(why == null, why);
    }

    /** A fresh directory for one check, made by root, with {@code mode} (where the format keeps modes). */
    private Path dir(TestInfo test, int mode) throws IOException {
        Path d = Files.createDirectory(mnt.resolve(test.getTestMethod().orElseThrow().getName()));
        if (!fs.missing.containsKey(Feature.OWNERS)) {
            Files.setAttribute(d, "unix:mode", mode);
        }
        return d;
    }

    private Path file(Path dir, String name, String content, int mode) throws IOException {
        Path f = Files.writeString(dir.resolve(name), content);
        if (!fs.missing.containsKey(Feature.OWNERS)) {
            Files.setAttribute(f, "unix:mode", mode);
        }
        return f;
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static int nlink(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    }

    private static FileTime ctime(Path p) throws IOException {
        return (FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    }

    private static void assertOwner(Path p, int uid, int gid) throws IOException {
        assertEquals(uid + ":" + gid, Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), p.getFileName().toString());
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** utimensat(2) through ctypes (python's os.utime cannot pass UTIME_OMIT); prints "atime_ns mtime_ns". */
    private static String utimensat(Path f, long asec, long ansec, long msec, long mnsec) {
        return Python.run(ROOT, """
                class Timespec(ctypes.Structure):
                    _fields_ = [("sec", ctypes.c_long), ("nsec", ctypes.c_long)]
                libc = ctypes.CDLL(None, use_errno=True)
                a = [int(x) for x in sys.argv[2:]]
                times = (Timespec * 2)(Timespec(a[0], a[1]), Timespec(a[2], a[3]))
                if libc.utimensat(-100, sys.argv[1].encode(), times, 0) != 0:
                    raise OSError(ctypes.get_errno(), "utimensat")
                s = os.stat(sys.argv[1])
                print(s.st_atime_ns, s.st_mtime_ns)
                """, f, asec, ansec, msec, mnsec);
    }

    /** "atime_ns mtime_ns" as whole seconds. */
    private static String seconds(String nanos) {
        String[] t = nanos.split(" ");
        return Long.parseLong(t[0]) / 1_000_000_000L + " " + Long.parseLong(t[1]) / 1_000_000_000L;
    }

    @FunctionalInterface
    private interface Change {
        void run() throws IOException;
    }

    private void assertCtimeChanges(Path dir, Path f, String what, Change change) throws Exception {
        assertCtimeChanges(dir, f, f, what, change);
    }

    /** The ctime of {@code f}, read as {@code after} once {@code change} is made, is later than before. */
    private void assertCtimeChanges(Path dir, Path f, Path after, String what, Change change) throws Exception {
        FileTime before = ctime(f);
        awaitGuestClockPast(dir, before);
        change.run();
        FileTime changed = ctime(after);
        assertTrue(changed.compareTo(before) > 0, () -> what + " left ctime at " + before);
    }

    /**
     * Returns once the guest's clock, as the filesystem stamps it, is past {@code t}: a change made
     * from now on gets a later ctime than one made at {@code t}, however coarse the guest kernel's
     * timestamps. Touches a probe file until its ctime is later (bounded).
     */
    private static void awaitGuestClockPast(Path dir, FileTime t) throws Exception {
        Path probe = dir.resolve(".clock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            Files.write(probe, new byte[0]);
            Files.setLastModifiedTime(probe, FileTime.fromMillis(0));
            if (ctime(probe).compareTo(t) > 0) {
                Files.delete(probe);
                return;
            }
        } while (System.nanoTime() < deadline);
        fail("the guest's clock did not pass " + t + " within 10 s");
    }
}
