package io.jguest.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import io.jguest.cli.it.Tool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile images: seeded mutations ({@link Mutator}) of small real images, each then inspected
 * ({@code guest-inspect}), mounted read-only ({@code guestmount}) and walked (every file read,
 * every link read) under bounds, then unmounted. Kinds: an MBR partition table, an ext4 built with
 * {@code -O ^metadata_csum} (so that corruption reaches the guest kernel's parser instead of failing
 * its checksums), an NTFS boot sector and MFT, a Windows guest's registry hives (SOFTWARE and
 * SYSTEM), and a Linux guest's {@code os-release} and {@code fstab} (mounted with {@code -i}, so the
 * fstab is followed).
 *
 * <p>Pass: no hang (every step bounded), no host-side crash (exit codes 0 or 1 only, no stack
 * trace), every failure clear (each line of stderr one message naming the tool), bounded memory
 * (the serving guestmount's peak RSS under {@link #JVM_PEAK_KIB}, its qemu's under
 * {@link #QEMU_PEAK_KIB}: the guest's 512 MiB and qemu's own), unmount always works, nothing left
 * running. Seed 0 is the unmutated image, which must inspect (but the NTFS one,
 * which holds no operating system) and mount: the proof that the harness tells good from bad. Seeds
 * 1..2 per kind in CI, 1..40 with {@code jguest.conformance.full}; {@code -Djguest.conformance.seed=N}
 * runs seed N alone (each case prints its seed and the bytes it changed).
 */
@DisplayName("hostile images")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileImagesConformanceIT {
    private static final boolean FULL = Boolean.getBoolean("jguest.conformance.full");
    private static final String ONE_SEED = System.getProperty("jguest.conformance.seed", "");
    private static final long MIB = 1L << 20;
    private static final Duration WALK_BOUND = Duration.ofSeconds(90);
    /** Peak resident memory allowed to the guestmount JVM serving a mutant (its heap could grow to a quarter of the host's RAM). */
    private static final long JVM_PEAK_KIB = 1024 * 1024;
    /** Peak resident memory allowed to its qemu: the guest's 512 MiB, TCG's translation buffers, qemu itself. */
    private static final long QEMU_PEAK_KIB = 1536 * 1024;
    private static final String EXT4_UUID = "4f3e2d1c-0b0a-4998-8877-665544332211";
    /** Reads every file and link under $1; errors (EIO on a damaged file) are outcomes, not failures. */
    private static final String WALK = "n=$(find \"$1\" -xdev 2>/dev/null | wc -l); "
            + "find \"$1\" -xdev -type f -exec cat -- {} + >/dev/null 2>&1; "
            + "find \"$1\" -xdev -type l -exec readlink -- {} + >/dev/null 2>&1; echo \"$n entries\"";

    private enum Kind {
        MBR("partition table"), EXT4("ext4 without metadata_csum"), NTFS("NTFS boot sector and MFT"),
        HIVES("registry hives"), OS_FILES("os-release and fstab");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    private Path tmp;
    private TestImages images;
    private MountTool tool;
    private Path linuxTree;
    private Path mbr;
    private Path ext4;
    /** Byte offsets in {@link #ext4}: its inode table, and the directory blocks of / and /etc. */
    private long inodeTable;
    private long rootDir;
    private long etcDir;
    private int blockSize;
    private Path ntfs;
    private long mftOffset;
    private Path software;
    private Path system;
    private int cases;

    static Stream<Arguments> mutants() {
        LongStream seeds = ONE_SEED.isBlank() ? LongStream.rangeClosed(0, FULL ? 40 : 2)
                : LongStream.of(Long.parseLong(ONE_SEED.strip()));
        List<Arguments> all = new ArrayList<>();
        long[] s = seeds.toArray();
        for (Kind k : Kind.values()) {
            for (long seed : s) {
                all.add(Arguments.of(k, seed));
            }
        }
        return all.stream();
    }

    @BeforeAll
    void baseImages(@TempDir Path dir) throws IOException {
        tmp = dir;
        images = new TestImages(dir);
        tool = new MountTool(dir.resolve("work"));
        linuxTree = images.tree("linux", linuxFiles());
        mbr = images.partitioned("mbr.img", 16, "label: dos\nlabel-id: 0x0badcafe\nstart=2048, size=28672, type=83\n");
        images.ext4Into(mbr, MIB, 14 * MIB, "root", EXT4_UUID, linuxTree);
        ext4 = ext4NoCsum("ext4.img", linuxTree);
        ext4Layout();
        ntfs = images.ntfs("ntfs.img", 8, "HOSTILE", Map.of("readme.txt", "hello from ntfs\n", "data.bin", "x".repeat(5000),
                "empty.txt", ""));
        mftOffset = mftOffset(ntfs);
        Path phony = MountTool.script("phony");
        software = hive("SOFTWARE", "SOFTWARE", Files.readString(phony.resolve("windows-gpt/software.reg")), phony);
        // the template's MountedDevices blobs are computed by make-phony-guests: left out here
        String systemReg = Files.readString(phony.resolve("windows-gpt/system.reg.in")).replaceAll("(?m)^.*@[A-Z]_BLOB@.*\n", "");
        system = hive("SYSTEM", "SYSTEM", systemReg, phony);
    }

    @AfterAll
    void cleanUp() {
        if (tool != null) {
            tool.close();
        }
    }

    @AfterEach
    void nothingLeftRunning() throws InterruptedException {
        tool.assertNoMountOrProcessLeft();
    }

    private static Map<String, String> linuxFiles() {
        return Map.of("etc/os-release", """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                ID=debian
                """, "etc/debian_version", "12.5\n", "etc/hostname", "hostile\n",
                "etc/fstab", "UUID=" + EXT4_UUID + " / ext4 errors=remount-ro 0 1\n/dev/sda2 /boot ext4 defaults 0 2\n"
                        + "tmpfs /tmp tmpfs defaults 0 0\n",
                "bin/dash", "not really dash\n", "bin/sh", "-> dash", "usr/share/doc/notes.txt", "some text\n".repeat(300),
                "var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n",
                "home/user/", "");
    }

    /** A bare ext4 of {@code content} without metadata checksums, 8 MiB. */
    private Path ext4NoCsum(String name, Path content) {
        Path img = images.blank(name, 8 * MIB);
        Tool.run("mkfs.ext4", "-q", "-F", "-O", "^metadata_csum", "-I", "256", "-U", EXT4_UUID, "-d", content.toString(),
                img.toString());
        return img;
    }

    /** Where {@link #ext4} keeps its first inodes and its top directories (dumpe2fs, debugfs). */
    private void ext4Layout() {
        String dump = Tool.run("dumpe2fs", ext4.toString()).stdout();
        blockSize = Integer.parseInt(match(dump, "Block size: +(\\d+)"));
        inodeTable = Long.parseLong(match(dump, "Inode table at (\\d+)")) * blockSize;
        rootDir = Long.parseLong(Tool.run("debugfs", "-R", "bmap / 0", ext4.toString()).stdout().strip()) * blockSize;
        etcDir = Long.parseLong(Tool.run("debugfs", "-R", "bmap /etc 0", ext4.toString()).stdout().strip()) * blockSize;
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), () -> "no " + regex + " in:\n" + text);
        return m.group(1);
    }

    /** The byte offset of the MFT: its cluster number (at 0x30) times the cluster size, from the boot sector. */
    private static long mftOffset(Path ntfs) throws IOException {
        ByteBuffer boot = ByteBuffer.wrap(Files.readAllBytes(ntfs), 0, 512).order(ByteOrder.LITTLE_ENDIAN);
        int bytesPerSector = Short.toUnsignedInt(boot.getShort(0x0b));
        int sectorsPerCluster = Byte.toUnsignedInt(boot.get(0x0d));
        return boot.getLong(0x30) * bytesPerSector * sectorsPerCluster;
    }

    /** scripts/phony/minimal.hive with {@code reg} merged under HKEY_LOCAL_MACHINE\{@code root}. */
    private Path hive(String name, String root, String reg, Path phony) throws IOException {
        Path h = tmp.resolve(name);
        Files.copy(phony.resolve("minimal.hive"), h);
        h.toFile().setWritable(true);
        Path regFile = Files.writeString(tmp.resolve(name + ".reg"), reg);
        Tool.run("hivexregedit", "--merge", h.toString(), "--prefix", "HKEY_LOCAL_MACHINE\\" + root, regFile.toString());
        return h;
    }

    /** A copy of {@code base} for one case. */
    private Path copy(Path base, String name) throws IOException {
        return Files.copy(base, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The mutant image of this kind and seed, and the guestmount options that mount it. */
    private record Mutant(Path image, List<String> mount, String changes) {
    }

    private Mutant mutant(Kind kind, long seed) throws IOException {
        Mutator m = new Mutator(seed);
        String name = kind.name().toLowerCase() + "-" + seed + ".img";
        return switch (kind) {
            case MBR -> {
                Path img = copy(mbr, name);
                m.inPlace(img, 440, 512, m.between(1, 6)); // disk signature, the four entries, 0x55aa
                yield new Mutant(img, List.of("-m", "/dev/sda1"), m.toString());
            }
            case EXT4 -> {
                Path img = copy(ext4, name);
                m.inPlace(img, 1024, 2048, m.between(0, 2)); // the superblock
                m.inPlace(img, 2048, inodeTable, m.between(0, 2)); // group descriptors, bitmaps
                m.inPlace(img, inodeTable, inodeTable + 16 * 256, m.between(0, 3)); // the first 16 inodes
                m.inPlace(img, rootDir, rootDir + blockSize, m.between(0, 2)); // the directory /
                m.inPlace(img, etcDir, etcDir + blockSize, m.between(0, 2)); // the directory /etc
                m.inPlace(img, 2048, MIB, m.between(0, 2)); // anywhere in the first MiB
                yield new Mutant(img, List.of("-m", "/dev/sda"), m.toString());
            }
            case NTFS -> {
                Path img = copy(ntfs, name);
                m.inPlace(img, 0, 512, m.between(0, 1)); // the boot sector
                m.inPlace(img, mftOffset, mftOffset + 32 * 1024, m.between(1, 8)); // the first 32 MFT records
                yield new Mutant(img, List.of("-m", "/dev/sda"), m.toString());
            }
            case HIVES -> {
                Path tree = images.tree("win-" + seed, Map.of("Windows/System32/cmd.exe", "MZ", "Windows/Temp/", "",
                        "Program Files/", ""));
                Path config = Files.createDirectories(tree.resolve("Windows/System32/config"));
                for (Path hive : List.of(software, system)) {
                    Path h = copy(hive, "hive-" + seed);
                    m.inPlace(h, 0, Files.size(h), m.between(1, 6));
                    Files.move(h, config.resolve(hive.getFileName()));
                }
                yield new Mutant(images.ext4(name, 8, "windows", EXT4_UUID, tree), List.of("-i"), m.toString());
            }
            case OS_FILES -> {
                Path tree = images.tree("linux-" + seed, linuxFiles());
                for (String f : List.of("etc/os-release", "etc/fstab")) {
                    Path p = tree.resolve(f);
                    Files.write(p, m.edit(Files.readAllBytes(p), m.between(1, 5)));
                }
                yield new Mutant(images.ext4(name, 8, "root", EXT4_UUID, tree), List.of("-i"), m.toString());
            }
        };
    }

    /**
     * A run of a tool on a hostile image ended as it may: exit 0, or 1 with a message; never a crash
     * (another exit code, a stack trace), and every line on stderr one message from the tool.
     */
    private static void assertCleanOutcome(String tool, MountTool.Result r) {
        List<String> err = r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList();
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, () -> tool + " crashed (exit " + r.exitCode() + "): " + r);
        assertEquals(List.of(), err.stream().filter(l -> !l.startsWith(tool + ": ")).toList(),
                () -> tool + " wrote lines that are not its one-line messages (a stack trace?): " + r);
        assertTrue(r.exitCode() == 0 || !err.isEmpty(), () -> tool + " failed without a message: " + r);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("mutants")
    @DisplayName("a mutant is inspected, mounted, walked and unmounted without hang or crash")
    void survives(Kind kind, long seed) throws Exception {
        Mutant mutant = mutant(kind, seed);
        System.out.println("hostile images: " + kind.what + " " + mutant.changes());

        MountTool.Result inspect = tool.guestInspect("-a", mutant.image().toString());
        assertCleanOutcome("guest-inspect", inspect);
        if (seed == 0) {
            assertEquals(kind == Kind.NTFS ? 1 : 0, inspect.exitCode(), () -> "the unmutated image: " + inspect);
        }

        Path mp = tool.mountpoint("m" + cases++);
        List<String> args = new ArrayList<>(List.of("--ro", "-a", mutant.image().toString()));
        args.addAll(mutant.mount());
        args.addAll(List.of("--pid-file", tool.pidFile(mp).toString(), mp.toString()));
        MountTool.Result mount = tool.guestmount(args.toArray(String[]::new));
        assertCleanOutcome("guestmount", mount);
        if (seed == 0) {
            assertEquals(0, mount.exitCode(), () -> "the unmutated image: " + mount);
        }
        String outcome = "inspect exit " + inspect.exitCode()
                + (inspect.exitCode() == 0 ? "" : " (" + inspect.errLines().getLast() + ")") + ", mount exit " + mount.exitCode();
        if (mount.exitCode() == 0) {
            String walked = Tool.run(WALK_BOUND, Map.of(), null, Tool.cmd("sh", "-c", WALK, "sh", mp)).stdout().strip();
            long server = tool.serverPid(mp);
            long jvmPeak = peakRssKib(server);
            long qemuPeak = ProcessHandle.of(server).stream().flatMap(ProcessHandle::descendants)
                    .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                    .mapToLong(p -> peakRssKib(p.pid())).max().orElse(0);
            assertTrue(jvmPeak < JVM_PEAK_KIB, () -> "guestmount's peak RSS " + jvmPeak + " KiB");
            assertTrue(qemuPeak < QEMU_PEAK_KIB, () -> "qemu's peak RSS " + qemuPeak + " KiB");
            MountTool.Result unmount = tool.guestunmount(mp.toString());
            assertEquals(0, unmount.exitCode(), unmount::toString);
            assertFalse(MountTool.isMounted(mp), mp + " still mounted after guestunmount");
            outcome += ", walked " + walked + ", peak RSS guestmount " + jvmPeak / 1024 + " MiB, qemu " + qemuPeak / 1024 + " MiB";
        } else {
            outcome += " (" + mount.errLines().getLast() + ")";
        }
        System.out.println("hostile images: " + kind.what + " seed " + seed + ": " + outcome);
        Files.delete(mutant.image());
    }

    /** {@code VmHWM} of a process, in KiB (0 when it has gone). */
    private static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
