package io.jguest.mountlocal.jnr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.MountInfo;
import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import io.jguest.mountlocal.MountException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real FUSE mounts of {@link PassthroughOperations} through {@link JnrLocalMount}; no VM. */
class JnrLocalMountTest {
    @TempDir
    Path tmp;
    Path backing;
    Path mp;
    PassthroughOperations ops;
    final List<LocalMount> mounts = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        backing = Files.createDirectory(tmp.resolve("backing"));
        mp = Files.createDirectory(tmp.resolve("mnt"));
        ops = new PassthroughOperations(backing);
    }

    @AfterEach
    void tearDown() {
        mounts.forEach(LocalMount::close);
        for (Path p : List.of(mp, tmp.resolve("other"))) {
            if (JnrLocalMount.mountAt(p.toAbsolutePath()).isPresent()) {
                run(List.of("fusermount", "-u", "-z", p.toString()), false);
            }
        }
    }

    private LocalMount mount(MountConfig config) throws MountException {
        LocalMount m = JnrLocalMount.mount(mp, ops, config);
        mounts.add(m);
        return m;
    }

    private LocalMount mount() throws MountException {
        return mount(MountConfig.defaults(false));
    }

    /** Runs a command to its end; its output, asserting exit 0 when {@code check}. */
    private static String run(List<String> command, boolean check) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), command + " did not end");
            if (check) {
                assertEquals(0, p.exitValue(), command + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String sh(String script) {
        return run(List.of("sh", "-ec", script), true);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void preloadingFromAnotherThreadLeavesMountingAsIs() throws Exception {
        Thread preload = Thread.ofPlatform().start(LocalMount::preload);
        LocalMount.preload(); // concurrent and repeated calls are harmless
        preload.join();
        assertTrue(mount().isMounted());
    }

    @Test
    void mountIsProvenReadyAndShowsAsFuseJguest() throws Exception {
        LocalMount m = mount(new MountConfig(false, Duration.ofSeconds(60), List.of(), "disk.img:/dev/sda1", false));
        assertTrue(m.isMounted());
        assertEquals(mp.toRealPath(), m.mountpoint());
        MountInfo e = JnrLocalMount.mountAt(m.mountpoint()).orElseThrow();
        assertEquals("fuse.jguest", e.type());
        assertEquals("disk.img:/dev/sda1", e.source());
        assertTrue(sh("df -P " + mp).contains("disk.img:/dev/sda1"));
    }

    @Test
    void argumentsRunInTheForegroundMultithreadedWithTheUsersOptionsLast() {
        MountConfig ro = new MountConfig(true, Duration.ofSeconds(60), List.of("allow_other", "uid=5"), "a,b", false);
        List<String> args = List.of(JnrLocalMount.arguments(Path.of("/m"), ro));
        assertEquals(List.of("jguest", "/m", "-f", "-o",
                "fsname=a\\,b,subtype=jguest,use_ino,readdir_ino,big_writes,max_write=131072,max_read=131072,"
                        + "max_readahead=1048576,ro,kernel_cache,attr_timeout=60.000,entry_timeout=60.000,"
                        + "negative_timeout=60.000,default_permissions",
                "-o", "allow_other", "-o", "uid=5"), args);
        List<String> rw = List.of(JnrLocalMount.arguments(Path.of("/m"), MountConfig.defaults(false)));
        assertEquals("fsname=jguest,subtype=jguest,use_ino,readdir_ino,big_writes,max_write=131072,"
                + "max_read=131072,max_readahead=1048576,attr_timeout=1,entry_timeout=1,negative_timeout=1", rw.get(4));
        assertFalse(rw.contains("-s"));
    }

    @Test
    void filesBehaveAsOnARealFilesystem() throws Exception {
        mount();
        Path f = mp.resolve("hello.txt");
        Files.writeString(f, "hello");
        Files.writeString(f, " world", StandardOpenOption.APPEND);
        assertEquals("hello world", Files.readString(f));
        assertEquals("hello world", Files.readString(backing.resolve("hello.txt")));
        assertEquals(11, Files.size(f));

        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(5);
        }
        assertEquals("hello", Files.readString(f));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(2);
        }
        assertEquals("he", Files.readString(backing.resolve("hello.txt")));

        Files.move(f, mp.resolve("renamed.txt"));
        assertFalse(Files.exists(backing.resolve("hello.txt")));
        Files.createLink(mp.resolve("hard"), mp.resolve("renamed.txt"));
        assertEquals(2, (Integer) Files.getAttribute(mp.resolve("hard"), "unix:nlink"));
        assertEquals(Files.getAttribute(backing.resolve("renamed.txt"), "unix:ino"),
                Files.getAttribute(mp.resolve("hard"), "unix:ino"));
        Files.createSymbolicLink(mp.resolve("sym"), Path.of("renamed.txt"));
        assertEquals(Path.of("renamed.txt"), Files.readSymbolicLink(mp.resolve("sym")));
        assertEquals("he", Files.readString(mp.resolve("sym")));
        assertTrue(Files.isSymbolicLink(backing.resolve("sym")));

        Files.createDirectories(mp.resolve("d/e"));
        assertTrue(Files.isDirectory(backing.resolve("d/e")));
        Files.delete(mp.resolve("d/e"));
        Files.delete(mp.resolve("d"));
        Files.delete(mp.resolve("hard"));
        assertFalse(Files.exists(backing.resolve("hard")));

        Files.setPosixFilePermissions(mp.resolve("renamed.txt"), PosixFilePermissions.fromString("rwx--x-w-"));
        assertEquals(0712, (Integer) Files.getAttribute(backing.resolve("renamed.txt"), "unix:mode") & 07777);
        FileTime t = FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789));
        Files.setLastModifiedTime(mp.resolve("renamed.txt"), t);
        assertEquals(t, Files.getLastModifiedTime(backing.resolve("renamed.txt")));
        assertEquals(t, Files.getLastModifiedTime(mp.resolve("renamed.txt")));
        sh("touch -d @1500000000.5 " + mp.resolve("renamed.txt"));
        FileTime touched = FileTime.from(Instant.ofEpochSecond(1_500_000_000L, 500_000_000));
        assertEquals(touched, Files.getAttribute(backing.resolve("renamed.txt"), "lastAccessTime"));
        assertEquals(touched, Files.getLastModifiedTime(backing.resolve("renamed.txt")));
        Instant before = Instant.now().minusSeconds(5);
        sh("touch " + mp.resolve("renamed.txt"));
        assertTrue(Files.getLastModifiedTime(backing.resolve("renamed.txt")).toInstant().isAfter(before), "UTIME_NOW");
        // one time only (touch -m, touch -a; tar x sets mtime with atime UTIME_OMIT): the other is kept
        FileTime atimeBefore = (FileTime) Files.getAttribute(backing.resolve("renamed.txt"), "lastAccessTime");
        sh("touch -m -d @1400000000 " + mp.resolve("renamed.txt"));
        assertEquals(FileTime.from(Instant.ofEpochSecond(1_400_000_000L)), Files.getLastModifiedTime(backing.resolve("renamed.txt")));
        assertEquals(atimeBefore, Files.getAttribute(backing.resolve("renamed.txt"), "lastAccessTime"));
        sh("touch -a -d @1300000000 " + mp.resolve("renamed.txt"));
        assertEquals(FileTime.from(Instant.ofEpochSecond(1_300_000_000L)), Files.getAttribute(backing.resolve("renamed.txt"), "lastAccessTime"));
        assertEquals(FileTime.from(Instant.ofEpochSecond(1_400_000_000L)), Files.getLastModifiedTime(backing.resolve("renamed.txt")));

        try (Stream<Path> s = Files.list(mp)) {
            assertEquals(List.of("renamed.txt", "sym"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(0, ops.openFiles(), "every open file was released");
    }

    @Test
    void extendedAttributesFollowTheSizeProtocol() throws Exception {
        mount();
        Path f = Files.writeString(mp.resolve("x"), "x");
        UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        v.write("color", ByteBuffer.wrap("green".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("color"), v.list());
        assertEquals(5, v.size("color"));
        ByteBuffer b = ByteBuffer.allocate(5);
        v.read("color", b);
        assertEquals("green", new String(b.array(), StandardCharsets.UTF_8));
        assertThrows(FileSystemException.class, () -> v.read("color", ByteBuffer.allocate(2)), "ERANGE");
        assertTrue(sh("getfattr -d " + f).contains("user.color=\"green\""));
        sh("setfattr -n user.shape -v round " + f);
        assertTrue(Files.getFileAttributeView(backing.resolve("x"), UserDefinedFileAttributeView.class).list()
                .contains("shape"));
        v.delete("color");
        assertEquals(List.of("shape"), v.list());
        assertTrue(run(List.of("getfattr", "-n", "user.color", f.toString()), false).contains("No such attribute"));
    }

    @Test
    void statfsAnswersDf() throws Exception {
        mount();
        assertEquals(Files.getFileStore(backing).getTotalSpace(), Files.getFileStore(mp).getTotalSpace());
        String df = sh("df -P -k " + mp);
        assertTrue(df.lines().anyMatch(l -> l.startsWith("jguest ") && l.endsWith(" " + mp)), df);
    }

    @Test
    void largeFileCopiesByteForByte() throws Exception {
        byte[] data = random(48 << 20, 1);
        Files.write(backing.resolve("big.src"), data);
        mount();
        sh("cp " + mp.resolve("big.src") + " " + mp.resolve("big.copy"));
        assertEquals(-1, Files.mismatch(backing.resolve("big.src"), backing.resolve("big.copy")));
        assertArrayEquals(data, Files.readAllBytes(mp.resolve("big.copy")));
    }

    @Test
    void tenThousandEntriesListCompletely() throws Exception {
        Path big = Files.createDirectory(backing.resolve("big"));
        for (int i = 0; i < 10_000; i++) {
            Files.createFile(big.resolve("file-with-a-longish-name-" + i));
        }
        mount();
        try (Stream<Path> s = Files.list(mp.resolve("big"))) {
            assertEquals(10_000, s.count());
        }
        assertEquals("10002", sh("ls -f " + mp.resolve("big") + " | wc -l").strip(), ". and .. too");
        assertEquals(Files.getAttribute(big, "unix:ino").toString(),
                sh("ls -aid " + mp.resolve("big") + "/. | cut -d' ' -f1").strip());
        assertEquals("10000", sh("ls -l " + mp.resolve("big") + " | grep -c '^-rw'").strip());
    }

    @Test
    void cpTarAndRmWorkThroughTheMount() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/a/b"));
        Files.write(src.resolve("data"), random(300_000, 2));
        Files.writeString(tmp.resolve("src/a/text"), "text");
        Files.createSymbolicLink(tmp.resolve("src/link"), Path.of("a/text"));
        Files.setLastModifiedTime(tmp.resolve("src/a/text"), FileTime.from(Instant.ofEpochSecond(1_000_000_000L)));
        sh("tar -cf " + tmp.resolve("t.tar") + " -C " + tmp.resolve("src") + " .");
        mount();
        sh("cp -a " + tmp.resolve("src") + " " + mp.resolve("copy"));
        Files.createDirectory(mp.resolve("untar"));
        sh("tar -xf " + tmp.resolve("t.tar") + " -C " + mp.resolve("untar"));
        for (String dir : List.of("copy", "untar")) {
            assertEquals(-1, Files.mismatch(src.resolve("data"), backing.resolve(dir + "/a/b/data")), dir);
            assertEquals(Path.of("a/text"), Files.readSymbolicLink(backing.resolve(dir + "/link")), dir);
        }
        // cp -a sets both times; tar x sets mtime alone (atime UTIME_OMIT), which libfuse 2 drops.
        assertEquals(FileTime.from(Instant.ofEpochSecond(1_000_000_000L)),
                Files.getLastModifiedTime(backing.resolve("copy/a/text")));
        assertEquals("", sh("diff -r " + tmp.resolve("src") + " " + mp.resolve("untar")));
        sh("rm -r " + mp.resolve("copy") + " " + mp.resolve("untar"));
        try (Stream<Path> s = Files.list(backing)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void errorsKeepTheirErrno() throws Exception {
        mount();
        assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mp.resolve("missing"), "unix:*"));
        assertTrue(run(List.of("stat", mp.resolve("missing").toString()), false).contains("No such file or directory"));
        Files.createDirectories(mp.resolve("full/child"));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(mp.resolve("full")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(mp.resolve("full")));
        assertTrue(run(List.of("rmdir", mp.resolve("full").toString()), false).contains("Directory not empty"));
        ops.refuseChanges = true;
        FileSystemException rofs = assertThrows(FileSystemException.class, () -> Files.createFile(mp.resolve("new")));
        assertTrue(rofs.getMessage().contains("Read-only file system"), rofs.getMessage());
        assertTrue(run(List.of("mkdir", mp.resolve("new").toString()), false).contains("Read-only file system"));
    }

    @Test
    void newFilesBelongToTheCaller() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        mount(new MountConfig(false, Duration.ofSeconds(1), List.of("allow_other"), "jguest", false));
        Path shared = Files.createDirectory(mp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        sh("setpriv --reuid=4321 --regid=4321 --clear-groups sh -c 'echo hi > " + shared.resolve("mine")
                + " && mkdir " + shared.resolve("dir") + "'");
        for (String name : List.of("mine", "dir")) {
            assertEquals(4321, Files.getAttribute(backing.resolve("shared/" + name), "unix:uid", LinkOption.NOFOLLOW_LINKS));
            assertEquals(4321, Files.getAttribute(backing.resolve("shared/" + name), "unix:gid", LinkOption.NOFOLLOW_LINKS));
        }
        sh("chmod 600 " + shared.resolve("mine"));
        assertTrue(run(List.of("setpriv", "--reuid=999", "--regid=999", "--clear-groups", "cat",
                shared.resolve("mine").toString()), false).contains("Permission denied"), "default_permissions");
    }

    @Test
    void concurrentReadersSeeTheSameBytes() throws Exception {
        byte[] data = random(8 << 20, 3);
        Files.write(backing.resolve("shared"), data);
        mount();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(pool.submit(() -> Files.readAllBytes(mp.resolve("shared"))));
            }
            for (Future<byte[]> r : reads) {
                assertArrayEquals(data, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badMountpointsFailWithTheirPath() throws Exception {
        Path missing = tmp.resolve("missing");
        assertMountFails(missing, "does not exist");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertMountFails(file, "not a directory");
        assertMountFails(backing.getParent(), "not empty");
        mount();
        assertMountFails(mp, "already a mount point");
        assertTrue(mounts.getFirst().isMounted(), "the first mount is untouched");
    }

    private void assertMountFails(Path where, String why) throws IOException {
        MountException e = assertThrows(MountException.class,
                () -> JnrLocalMount.mount(where, ops, MountConfig.defaults(false)));
        assertTrue(e.getMessage().startsWith(where + ": ") && e.getMessage().contains(why), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void closeWithOpenFilesDetachesAndIsIdempotent() throws Exception {
        Files.writeString(backing.resolve("f"), "content");
        LocalMount m = mount();
        try (FileChannel ch = FileChannel.open(mp.resolve("f"), StandardOpenOption.READ)) {
            m.close();
            assertTrue(JnrLocalMount.mountAt(m.mountpoint()).isEmpty(), "detached from the mountpoint at once");
            assertFalse(m.isMounted());
            m.close();
        }
        m.awaitUnmounted();
        assertFalse(m.isMounted());
        m.close();
    }

    @Test
    void externalUnmountEndsTheLoop() throws Exception {
        LocalMount m = mount();
        sh("fusermount -u " + mp);
        m.awaitUnmounted();
        assertFalse(m.isMounted());
        assertTrue(JnrLocalMount.mountAt(m.mountpoint()).isEmpty());
        m.close();
    }

    @Test
    void deadOperationsAnswerEioAndUnmountStillWorks() throws Exception {
        Files.writeString(backing.resolve("f"), "content");
        LocalMount m = mount();
        ops.breakDown();
        IOException e = assertThrows(IOException.class, () -> Files.readString(mp.resolve("f")));
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        m.close();
        assertTrue(m.awaitUnmounted(Duration.ZERO));
        assertTrue(JnrLocalMount.mountAt(m.mountpoint()).isEmpty());
    }

    @Test
    void sigtermUnmountsAndTheOwnerCleansUp() throws Exception {
        signalChild("TERM");
    }

    @Test
    void sigintUnmountsAndTheOwnerCleansUp() throws Exception {
        signalChild("INT");
    }

    @Test
    void systemExitWhileMountedLeavesNoDeadMountpoint() throws Exception {
        Process p = child("exit");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("MOUNTED", out.readLine(), () -> childErr());
            assertTrue(p.waitFor(2, TimeUnit.MINUTES));
            assertEquals(3, p.exitValue(), () -> childErr());
        } finally {
            p.destroyForcibly();
        }
        assertTrue(JnrLocalMount.mountAt(mp.toRealPath()).isEmpty(), "the shutdown hook unmounted");
    }

    private Process child(String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                SignalChild.class.getName(), backing.toString(), mp.toString()));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectError(tmp.resolve("child.err").toFile()).start();
    }

    /** A child JVM owns a mount; {@code kill -signal} ends it cleanly. */
    private void signalChild(String signal) throws Exception {
        Process p = child();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("MOUNTED", out.readLine(), () -> childErr());
            assertTrue(JnrLocalMount.mountAt(mp.toRealPath()).isPresent());
            Files.writeString(mp.resolve("written-before-the-signal"), "x");
            sh("kill -" + signal + " " + p.pid());
            assertEquals("CLEAN", out.readLine(), () -> childErr());
            assertTrue(p.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, p.exitValue(), () -> childErr());
        } finally {
            p.destroyForcibly();
        }
        assertTrue(JnrLocalMount.mountAt(mp.toRealPath()).isEmpty());
        assertTrue(Files.exists(backing.resolve("written-before-the-signal")));
        try (Stream<Path> s = Files.list(mp)) {
            assertEquals(0, s.count(), "the mountpoint is an empty directory again");
        }
    }

    private String childErr() {
        try {
            return Files.readString(tmp.resolve("child.err"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
