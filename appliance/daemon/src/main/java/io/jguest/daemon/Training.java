package io.jguest.daemon;

import static io.jguest.daemon.posix.Flags.AT_FDCWD;

import io.jguest.api.OpenFlags;
import io.jguest.api.Timespec;
import io.jguest.daemon.block.CommandResult;
import io.jguest.daemon.block.CommandRunner;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.block.LocalSession;
import io.jguest.daemon.block.ProcessRunner;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.daemon.posix.Libc;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameCodec;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Hello;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The training run of the appliance build ({@code DaemonMain --train}, under the guest JRE with
 * {@code -XX:AOTCacheOutput}): serves one session through the real {@link DaemonMain#serve} path,
 * {@link Server} and {@link Dispatcher} over two FIFOs, on a temporary sysroot with a fake
 * {@code /sys/block}, {@code /dev} and mountinfo and canned tool output (the tools really run: it is
 * {@code cat} printing the canned text). A client on the main thread reads the hello, makes every
 * call the host makes at startup and every file call, then shuts down. So the classes, linked call
 * sites, lambda forms and FFM bindings the daemon needs are in the AOT cache. Touches nothing outside
 * its temporary directory, and needs no devices or root.
 */
final class Training {
    static final String OPTION = "--train";
    private static final int S_IFIFO = 0010000;

    private final Path dir;
    private final FrameCodec client;
    private final AtomicInteger serial = new AtomicInteger(1);
    private int failures;

    private Training(Path dir, FrameCodec client) {
        this.dir = dir;
        this.client = client;
    }

    /** Runs the training; returns the exit status (0 when every expected reply came). */
    static int run(List<String> args) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jguest-train");
            return train(dir);
        } catch (Exception e) {
            Log.error("training failed", e);
            return 1;
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    private static int train(Path dir) throws Exception {
        // The start of DaemonMain.main and run.
        DaemonOptions options = DaemonOptions.parse(List.of("--stdio", "--sysroot", dir.resolve("sysroot").toString()),
                System.getenv(), Files.readString(fakeTree(dir).resolve("cmdline")));
        Log.setVerbose(options.verbose());
        Sysroot sysroot = Sysroot.openInBackground(options.sysroot(), DaemonMain::prepareNative, Libc::prepare);
        Path ports = dir.resolve("sys/class/virtio-ports");
        Channel probe = Channel.virtioPort(ports, dir.resolve("dev"), Wire.PORT_NAME, Duration.ofSeconds(1));
        probe.in().close();
        Path c2s = dir.resolve("c2s");
        Path s2c = dir.resolve("s2c");
        Libc.mknodat(AT_FDCWD, c2s.toString(), S_IFIFO | 0600, 0);
        Libc.mknodat(AT_FDCWD, s2c.toString(), S_IFIFO | 0600, 0);

        CommandRunner runner = new CannedRunner(dir);
        LocalSession session = LocalSession.create(sysroot, runner,
                DeviceWait.of(dir.resolve("cmdline"), dir.resolve("modules.done"), dir.resolve("sys/block"),
                        Duration.ofSeconds(5)),
                dir.resolve("sys/block"), dir.resolve("dev"), dir.resolve("mountinfo"));
        AtomicReference<Throwable> serverFailure = new AtomicReference<>();
        AtomicInteger status = new AtomicInteger(-1);
        Thread server = new Thread(() -> {
            try {
                try (InputStream in = new FileInputStream(c2s.toFile());
                     FileChannel out = new FileOutputStream(s2c.toFile()).getChannel()) {
                    status.set(DaemonMain.serve(new Channel("training", in, out, -1), sysroot, runner, session,
                            options.workers()));
                }
            } catch (Throwable t) {
                serverFailure.set(t);
            }
        }, "jguest-training-server");
        server.start();
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(c2s.toFile()));
             InputStream in = new BufferedInputStream(new FileInputStream(s2c.toFile()))) {
            Training t = new Training(dir, new FrameCodec(in, out));
            t.session();
            server.join(60_000);
            if (serverFailure.get() != null) {
                throw new IOException("training server failed", serverFailure.get());
            }
            Log.info("training done: server status " + status.get() + ", " + t.failures + " unexpected replies");
            return status.get() == 0 && t.failures == 0 ? 0 : 1;
        }
    }

    /** What the host does in a typical session. */
    private void session() throws IOException {
        Frame hello = client.read();
        RecordCodec.decode(hello.body(), Hello.class);
        ok(new Calls.Ping("training"));
        ok(new Calls.ListDevices());
        ok(new Calls.ListPartitions());
        ok(new Calls.ListFilesystems());
        ok(new Calls.LvmActivateAll());
        call(new Calls.InspectOs(true)); // the rules engine and detectors, on the canned devices
        // The mount command is canned; /dev/loop0 is the host's if it has one (else ENOENT).
        call(new Calls.Mount("/dev/loop0", "/", "ro", null));
        call(new Calls.Mount("/dev/loop0", "/mnt", "", "ext4"));
        expect(false, new Calls.Mount("/dev/null", "/", null, null)); // not a block device
        expect(false, new Calls.Mount("/dev/../etc", "/", null, null));

        // Files (as cat, ls, ls -l, find, copy-in/out, edits, tar do).
        ok(new Calls.Lstat("/"));
        ok(new Calls.Readdir("/"));
        ok(new Calls.ReaddirPlus("/"));
        ok(new Calls.ReaddirPlus("/etc"));
        ok(new Calls.LstatList("/etc", List.of("hostname", "passwd", "missing")));
        ok(new Calls.Statvfs("/"));
        expect(false, new Calls.Lstat("/nonexistent"));
        expect(false, new Calls.Readdir("/etc/hostname"));
        expect(false, new Calls.Lstat("/../../etc/passwd/x"));
        ok(new Calls.Readlink("/etc/mtab"));
        ok(new Calls.Readlink("/escape"));
        ok(new Calls.Lstat("/escape"));
        ok(new Calls.Release(ok(new Calls.Open("/escape", OpenFlags.O_RDONLY, 0)))); // stays in the sysroot
        long h = ok(new Calls.Open("/etc/hostname", OpenFlags.O_RDONLY, 0));
        ok(new Calls.Pread(h, 0, 65536));
        ok(new Calls.Pread(h, 1 << 20, 4096));
        ok(new Calls.Release(h));
        expect(false, new Calls.Pread(h, 0, 1));
        ok(new Calls.Mkdir("/work", 0755));
        expect(false, new Calls.Mkdir("/work", 0755));
        long w = ok(new Calls.Open("/work/new", OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644));
        byte[] data = new byte[256 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        ok(new Calls.Pwrite(w, 0, data));
        ok(new Calls.Pwrite(w, data.length, "tail\n".getBytes(StandardCharsets.UTF_8)));
        ok(new Calls.Fsync(w, false));
        ok(new Calls.Fsync(w, true));
        ok(new Calls.Ftruncate(w, 1000));
        ok(new Calls.Fstat(w));
        ok(new Calls.Release(w));
        long rw = ok(new Calls.Open("/work/new", OpenFlags.O_RDWR | OpenFlags.O_APPEND, 0));
        ok(new Calls.Pread(rw, 0, 4 * 1024 * 1024));
        ok(new Calls.Release(rw));
        ok(new Calls.Rename("/work/new", "/work/renamed", 0));
        expect(false, new Calls.Rename("/work/missing", "/work/x", 0));
        ok(new Calls.Symlink("renamed", "/work/link"));
        ok(new Calls.Readlink("/work/link"));
        ok(new Calls.Link("/work/renamed", "/work/hard"));
        ok(new Calls.Mknod("/work/fifo", S_IFIFO | 0644, 0));
        ok(new Calls.Chmod("/work/renamed", 0600));
        expect(false, new Calls.Chmod("/work/missing", 0600));
        ok(new Calls.Lchown("/work/renamed", -1, -1));
        ok(new Calls.Lchown("/work/link", -1, -1));
        ok(new Calls.Truncate("/work/renamed", 10));
        ok(new Calls.Utimens("/work/renamed", new Timespec(1_700_000_000L, 5), Timespec.NOW));
        ok(new Calls.Utimens("/work/link", Timespec.OMIT, new Timespec(1_600_000_000L, 0)));
        ok(new Calls.Statvfs("/work"));
        // Extended attributes (the user namespace; the build host's filesystem may lack them).
        call(new Calls.Setxattr("/work/renamed", "user.jguest", "v".getBytes(StandardCharsets.UTF_8), 0));
        call(new Calls.Getxattr("/work/renamed", "user.jguest"));
        call(new Calls.Listxattr("/work/renamed"));
        call(new Calls.Removexattr("/work/renamed", "user.jguest"));
        call(new Calls.Listxattr("/work/link"));
        expect(false, new Calls.Getxattr("/work/renamed", "user.missing"));
        ok(new Calls.ReaddirPlus("/work"));
        ok(new Calls.ReaddirPlusMany(List.of("/", "/etc", "/work", "/missing")));
        ok(new Calls.Release(ok(new Calls.Create("/work/created", OpenFlags.O_WRONLY | OpenFlags.O_CREAT, 0640, -1, -1)).handle()));
        expect(false, new Calls.Create("/work/created", OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0640, -1, -1));
        ok(new Calls.Unlink("/work/created"));
        // Small files as guestmount makes them: each created with its data at its first flush,
        // closed a batch at a time.
        byte[] small = new byte[4096];
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            made.add(ok(new Calls.CreateWrite("/work/small" + i, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL,
                    0644, -1, -1, 0, small)).handle());
        }
        ok(new Calls.ReleaseMany(made));
        for (int i = 0; i < 32; i++) {
            ok(new Calls.Unlink("/work/small" + i));
        }
        ok(new Calls.Lstat("/work/fifo"));
        // Many calls in flight, as a recursive listing or a copy does.
        List<Call<?>> batch = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            batch.add(new Calls.Lstat("/work/renamed"));
            batch.add(new Calls.ReaddirPlus("/etc"));
            batch.add(new Calls.Lstat("/missing" + round));
        }
        pipelined(batch);
        ok(new Calls.Unlink("/work/hard"));
        ok(new Calls.Unlink("/work/link"));
        ok(new Calls.Unlink("/work/fifo"));
        ok(new Calls.Unlink("/work/renamed"));
        expect(false, new Calls.Rmdir("/etc"));
        ok(new Calls.Rmdir("/work"));
        ok(new Calls.Sync());
        call(new Calls.UmountAll()); // the fake mountinfo names a mount point that is none
        call(new Calls.Shutdown());
        if (client.read() != null) {
            failures++;
        }
    }

    private <R> R ok(Call<R> call) throws IOException {
        return expect(true, call);
    }

    @SuppressWarnings("unchecked")
    private <R> R expect(boolean success, Call<R> call) throws IOException {
        Frame reply = call(call);
        if ((reply.kind() == FrameKind.REPLY) != success) {
            failures++;
            Log.warn("training: " + call + " gave " + reply.kind()
                    + (reply.kind() == FrameKind.ERROR ? " " + RecordCodec.decode(reply.body(), io.jguest.protocol.ErrorReply.class) : ""));
            return null;
        }
        return success ? (R) RecordCodec.decode(reply.body(), Procedure.of(call).replyType()) : null;
    }

    private Frame call(Call<?> call) throws IOException {
        int s = send(call);
        Frame reply = client.read();
        if (reply == null || reply.serial() != s) {
            throw new IOException("no reply to " + call);
        }
        return reply;
    }

    private int send(Call<?> call) throws IOException {
        Procedure p = Procedure.of(call);
        int s = serial.getAndIncrement();
        client.write(new Frame(s, p.id(), FrameKind.CALL, RecordCodec.encode(call, p.callType())));
        return s;
    }

    private void pipelined(List<Call<?>> calls) throws IOException {
        Map<Integer, Call<?>> pending = new LinkedHashMap<>();
        for (Call<?> c : calls) {
            pending.put(send(c), c);
        }
        while (!pending.isEmpty()) {
            Frame reply = client.read();
            if (reply == null || pending.remove(reply.serial()) == null) {
                throw new IOException("unexpected reply in a batch");
            }
            if (reply.kind() == FrameKind.REPLY) {
                RecordCodec.decode(reply.body(), Procedure.byId(reply.procedure()).replyType());
            }
        }
    }

    // ---------------------------------------------------------------- the fake appliance

    /** Writes the fake trees under {@code dir}; returns {@code dir}. */
    private static Path fakeTree(Path dir) throws IOException {
        Path block = dir.resolve("sys/block");
        disk(block, "sda", 2097152, 0);
        partition(block.resolve("sda"), "sda1", 1, 2048, 204800);
        partition(block.resolve("sda"), "sda2", 2, 206848, 2);
        partition(block.resolve("sda"), "sda5", 5, 208896, 1000000);
        disk(block, "sdb", 4096, 1);
        disk(block, "vda", 999, 1);
        Files.createDirectories(dir.resolve("dev/mapper"));
        Path dev = dir.resolve("dev");
        for (String d : List.of("sda", "sda1", "sda2", "sda5", "sdb", "mapper/control", "mapper/vg0-root")) {
            Files.createFile(dev.resolve(d));
        }
        Path port = Files.createDirectories(dir.resolve("sys/class/virtio-ports/vport0p1"));
        Files.writeString(port.resolve("name"), Wire.PORT_NAME + "\n");
        Files.createFile(dev.resolve("vport0p1"));
        Path sysroot = Files.createDirectories(dir.resolve("sysroot"));
        Files.createDirectories(sysroot.resolve("etc"));
        Files.createDirectories(sysroot.resolve("mnt"));
        Files.writeString(sysroot.resolve("etc/hostname"), "training\n");
        Files.writeString(sysroot.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.createSymbolicLink(sysroot.resolve("etc/mtab"), Path.of("/proc/self/mounts"));
        Files.createSymbolicLink(sysroot.resolve("escape"), Path.of("../../../../../../etc/passwd"));
        Files.writeString(dir.resolve("mountinfo"), "22 1 0:21 / /proc rw - proc proc rw\n"
                + "40 22 8:1 / " + sysroot.resolve("mnt") + " ro - ext4 /dev/sda1 ro\n");
        Files.writeString(dir.resolve("cmdline"), "console=ttyS0 quiet jguest.drives=2\n");
        Files.createFile(dir.resolve("modules.done"));
        inspectionTrees(dir.resolve("inspect"));
        return dir;
    }

    /**
     * What INSPECT_OS reads: the canned mount does nothing, so the directories it "mounts" the canned
     * ext4 ({@code inspect/0}) and xfs ({@code inspect/1}) filesystems on are these trees: a Debian-like
     * root and a Windows-like one (with hives that are not hives: the error path).
     */
    private static void inspectionTrees(Path inspect) throws IOException {
        Path linux = Files.createDirectories(inspect.resolve("0"));
        for (String d : List.of("etc", "bin", "var/lib/dpkg", "boot")) {
            Files.createDirectories(linux.resolve(d));
        }
        Files.writeString(linux.resolve("etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n");
        Files.writeString(linux.resolve("etc/debian_version"), "12.8\n");
        Files.writeString(linux.resolve("etc/hostname"), "training\n");
        Files.writeString(linux.resolve("etc/fstab"), "# fstab\nUUID=u-b / ext4 defaults 0 1\n"
                + "/dev/sda1 /boot xfs defaults 0 2\nLABEL=my\\040data /data ext4 defaults 0 2\nproc /proc proc defaults 0 0\n");
        Files.writeString(linux.resolve("var/lib/dpkg/status"), "Package: bash\nStatus: install ok installed\n"
                + "Architecture: amd64\nVersion: 5.2.15-2+b2\nDescription: GNU Bourne Again SHell\n long text\n\n"
                + "Package: dash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.5.12-2\n"
                + "Description: POSIX-compliant shell\n\n");
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2; // 64-bit
        elf[5] = 1; // little-endian
        elf[6] = 1;
        elf[18] = 0x3e; // x86-64
        Files.write(linux.resolve("bin/sh"), elf);
        Path windows = Files.createDirectories(inspect.resolve("1"));
        Path config = Files.createDirectories(windows.resolve("Windows/System32/config"));
        byte[] pe = new byte[0x60];
        pe[0] = 'M';
        pe[1] = 'Z';
        pe[0x3c] = 0x40;
        pe[0x40] = 'P';
        pe[0x41] = 'E';
        pe[0x44] = 0x64; // x86-64 (0x8664)
        pe[0x45] = (byte) 0x86;
        Files.write(windows.resolve("Windows/System32/cmd.exe"), pe);
        byte[] notAHive = new byte[4096];
        notAHive[0] = 'r';
        notAHive[1] = 'e';
        notAHive[2] = 'g';
        notAHive[3] = 'f';
        Files.write(config.resolve("SOFTWARE"), notAHive);
        Files.write(config.resolve("SYSTEM"), notAHive);
    }

    private static void disk(Path block, String name, long sectors, int ro) throws IOException {
        Path d = Files.createDirectories(block.resolve(name));
        Files.writeString(d.resolve("size"), sectors + "\n");
        Files.writeString(d.resolve("ro"), ro + "\n");
    }

    private static void partition(Path disk, String name, int number, long start, long size) throws IOException {
        Path p = Files.createDirectories(disk.resolve(name));
        Files.writeString(p.resolve("partition"), number + "\n");
        Files.writeString(p.resolve("start"), start + "\n");
        Files.writeString(p.resolve("size"), size + "\n");
    }

    /**
     * Canned output of blkid, mount and lvm, printed by a real process ({@code cat}) so that process
     * spawning is trained too; the canned text directly when there is no {@code cat}.
     */
    private static final class CannedRunner implements CommandRunner {
        private final ProcessRunner real = new ProcessRunner();
        private final Path dir;
        private final Map<String, String> answers = new LinkedHashMap<>();
        private final AtomicInteger n = new AtomicInteger();

        CannedRunner(Path dir) {
            this.dir = dir;
            String d = dir.resolve("dev") + "/";
            answers.put("blkid -p -o export " + d + "sda ", "DEVNAME=" + d + "sda\nPTUUID=badcafe\nPTTYPE=dos\n\n"
                    + "DEVNAME=" + d + "sdb\nTYPE=ext4\nUUID=1b2c\nBLOCK_SIZE=4096\nUSAGE=filesystem\n");
            answers.put("blkid -p -o export " + d + "sda1", part(d + "sda1", "0x83", 1) + "\n" + part(d + "sda2", "0x5", 2)
                    + "\n" + part(d + "sda5", "0x8e", 5));
            answers.put("blkid -p -o export /dev/loop0", "DEVNAME=/dev/loop0\nTYPE=ext4\nUSAGE=filesystem\n");
            answers.put("blkid -c /dev/null -o export", "DEVNAME=" + d + "sdb\nTYPE=ext4\nUUID=u-b\nLABEL=my\\ data\n\n"
                    + "DEVNAME=" + d + "sda1\nTYPE=xfs\nUUID=u-1\n\nDEVNAME=" + d + "sda5\nTYPE=LVM2_member\nUUID=u-5\n");
            answers.put("lvm lvs", "  vg0 root 1073741824\n  vg0 swap 536870912\n");
        }

        private static String part(String device, String type, int n) {
            return "DEVNAME=" + device + "\nPART_ENTRY_SCHEME=dos\nPART_ENTRY_UUID=0badcafe-0" + n
                    + "\nPART_ENTRY_TYPE=" + type + "\nPART_ENTRY_NUMBER=" + n + "\n";
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) throws io.jguest.api.GuestFsException {
            String line = String.join(" ", argv);
            String text = "";
            for (Map.Entry<String, String> e : answers.entrySet()) {
                if (line.startsWith(e.getKey())) {
                    text = e.getValue();
                    break;
                }
            }
            if (real.find("cat") == null) {
                return new CommandResult(0, text, "");
            }
            Path file = dir.resolve("out-" + n.incrementAndGet());
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                return new CommandResult(0, text, "");
            }
            CommandResult r = real.run(List.of("cat", file.toString()), timeout);
            return new CommandResult(r.exitCode(), r.stdout(), r.stderr());
        }

        @Override
        public Path find(String program) {
            real.find(program);
            return switch (program) {
                case "blkid", "mount", "lvm" -> Path.of("/usr/sbin", program);
                default -> null;
            };
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            Log.warn("cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
