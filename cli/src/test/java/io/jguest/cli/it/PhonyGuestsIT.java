package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.readFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.FileType;
import io.jguest.api.InspectedOs;
import io.jguest.api.Partition;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.cli.it.PhonyGuests.Expected;
import io.jguest.cli.it.PhonyGuests.KnownFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phony guests are what {@link Expected} says, checked without our inspection: one appliance
 * with every image attached ({@code /dev/sda}, {@code /dev/sdb}... in {@link Expected#ALL} order,
 * so {@code /dev/sdaN} of an {@code Expected} reads {@code /dev/sdXN} here) lists their partitions
 * and filesystems and reads their files; the host's {@code hivexregedit} reads the registry hives
 * copied out of the Windows images, whose {@code MountedDevices} must name exactly the partitions
 * the drive letters are expected on; the executables that inspection takes the architecture from
 * have the expected ELF or PE machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhonyGuestsIT {
    private final List<Expected> images = new ArrayList<>();
    private final Map<Expected, Path> paths = new LinkedHashMap<>();
    private ApplianceFixture appliance;
    private Guest guest;
    private Path tmp;

    @BeforeAll
    void launch(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        List<Drive> drives = new ArrayList<>();
        for (Expected e : Expected.ALL) {
            Path image;
            try {
                image = PhonyGuests.get(e);
            } catch (org.opentest4j.TestAbortedException skipped) {
                System.err.println("PhonyGuestsIT: " + skipped.getMessage());
                continue;
            }
            images.add(e);
            paths.put(e, image);
            drives.add(Drive.readOnly(image));
        }
        appliance = ApplianceFixture.launch(drives.toArray(Drive[]::new));
        guest = appliance.guest();
        guest.lvmActivateAll();
    }

    @AfterAll
    void close() {
        if (appliance != null) {
            appliance.close(); // and the images are unchanged
        }
    }

    /** {@code /dev/sdaN} of an {@code Expected} as this appliance names it (LVs keep their names). */
    private String dev(Expected e, String device) {
        String disk = "/dev/sd" + (char) ('a' + images.indexOf(e));
        return device.startsWith("/dev/sda") ? disk + device.substring("/dev/sda".length()) : device;
    }

    @Test
    void partitionsAreAsExpected() throws Exception {
        List<Partition> all = guest.listPartitions();
        for (Expected e : images) {
            List<Partition> expected = e.partitions().stream().map(p -> new Partition(dev(e, p.device()),
                    dev(e, p.disk()), p.number(), p.start(), p.size(), p.tableType(), p.type(), p.uuid())).toList();
            assertEquals(expected, all.stream().filter(p -> p.disk().equals(dev(e, "/dev/sda"))).toList(), e.image());
            var disk = guest.listDevices().stream().filter(d -> d.device().equals(dev(e, "/dev/sda"))).findFirst()
                    .orElseThrow();
            assertEquals(e.tableType(), disk.tableType(), e.image());
            assertEquals(e.diskId(), disk.diskId(), e.image());
        }
    }

    @Test
    void filesystemsAreAsExpected() throws Exception {
        List<Filesystem> all = guest.listFilesystems();
        for (Expected e : images) {
            for (Filesystem f : e.filesystems()) {
                Filesystem here = new Filesystem(dev(e, f.device()), f.type(), f.label(), f.uuid());
                assertTrue(all.contains(here), () -> e.image() + ": no " + here + " in " + all);
            }
        }
    }

    @Test
    void knownFilesHaveTheirContent() throws Exception {
        for (Expected e : images) {
            for (KnownFile f : e.files()) {
                guest.mount(dev(e, f.device()), "/", "ro", null);
                try {
                    assertEquals(f.content(), new String(readFile(guest, f.path()), StandardCharsets.UTF_8),
                            e.image() + " " + f.device() + ":" + f.path());
                } finally {
                    guest.umountAll();
                }
            }
        }
    }

    /** Linux roots: {@code /bin} is a link to {@code usr/bin} and the shell is an x86-64 ELF. */
    @Test
    void linuxRootsHaveAnX8664Shell() throws Exception {
        for (Expected e : images) {
            InspectedOs os = e.os();
            if (!os.type().equals("linux")) {
                continue;
            }
            guest.mount(dev(e, os.root()), "/", "ro", null);
            try {
                assertEquals("usr/bin", guest.readlink("/bin"), e.image());
                String shell = guest.lstat("/usr/bin/sh").type() == FileType.SYMLINK
                        ? "/usr/bin/" + guest.readlink("/usr/bin/sh") : "/usr/bin/sh";
                byte[] elf = readFile(guest, shell);
                assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, java.util.Arrays.copyOf(elf, 6), shell);
                assertEquals(0x3e, le(elf, 0x12, 2), e.image() + " " + shell + ": e_machine");
                assertEquals("x86_64", os.arch());
            } finally {
                guest.umountAll();
            }
        }
    }

    /** Windows: cmd.exe is a PE of the expected machine; the hives hold the expected values. */
    @Test
    void windowsSystemsHaveTheirPeAndHives() throws Exception {
        for (Expected e : images) {
            InspectedOs os = e.os();
            if (!os.type().equals("windows")) {
                continue;
            }
            guest.mount(dev(e, os.root()), "/", "ro", null);
            byte[] cmd;
            Path software = tmp.resolve(e.image() + ".SOFTWARE");
            Path system = tmp.resolve(e.image() + ".SYSTEM");
            try {
                cmd = readFile(guest, os.windowsSystemroot() + "/System32/cmd.exe");
                Files.write(software, readFile(guest, os.windowsSystemroot() + "/System32/config/SOFTWARE"));
                Files.write(system, readFile(guest, os.windowsSystemroot() + "/System32/config/SYSTEM"));
            } finally {
                guest.umountAll();
            }
            assertEquals('M' | 'Z' << 8, le(cmd, 0, 2));
            int pe = (int) le(cmd, 0x3c, 4);
            assertEquals("PE\0\0", new String(cmd, pe, 4, StandardCharsets.ISO_8859_1));
            boolean x64 = os.arch().equals("x86_64");
            assertEquals(x64 ? 0x8664 : 0x14c, le(cmd, pe + 4, 2), e.image() + ": COFF machine");
            assertEquals(x64 ? 0x20b : 0x10b, le(cmd, pe + 24, 2), e.image() + ": optional header magic");

            Map<String, String> version = values(software, "\\Microsoft\\Windows NT\\CurrentVersion");
            assertEquals(q(os.productName()), version.get("ProductName"));
            assertEquals(q(os.productVariant()), version.get("InstallationType"));
            assertEquals(q(os.buildId()), version.get("CurrentBuildNumber"));
            if (os.majorVersion() >= 10) {
                assertEquals(dword(os.majorVersion()), version.get("CurrentMajorVersionNumber"));
                assertEquals(dword(os.minorVersion()), version.get("CurrentMinorVersionNumber"));
            } else {
                assertFalse(version.containsKey("CurrentMajorVersionNumber"));
                assertEquals(q(os.majorVersion() + "." + os.minorVersion()), version.get("CurrentVersion"));
            }
            int current = Integer.parseInt(values(system, "\\Select").get("Current").substring("dword:".length()), 16);
            assertEquals(String.format("ControlSet%03d", current), os.windowsCurrentControlSet());
            assertEquals(q(os.hostname()),
                    values(system, "\\" + os.windowsCurrentControlSet() + "\\Services\\Tcpip\\Parameters").get("Hostname"));

            // every \DosDevices\X: blob that names a partition of this disk, by the MBR or the GPT form
            Map<String, String> mapped = new LinkedHashMap<>();
            values(system, "\\MountedDevices").forEach((name, value) -> {
                if (name.matches("\\\\DosDevices\\\\[A-Z]:")) {
                    String device = partitionNamedBy(e, hex(value));
                    if (device != null) {
                        mapped.put(name.substring(name.length() - 2, name.length() - 1), device);
                    }
                }
            });
            Map<String, String> expected = new LinkedHashMap<>();
            for (DriveMapping m : os.driveMappings()) {
                expected.put(m.letter(), dev(e, m.device()));
            }
            assertEquals(expected, mapped, e.image() + ": drive letters in MountedDevices");
        }
    }

    /** The partition of {@code e}'s disk that a MountedDevices blob names, or null. */
    private String partitionNamedBy(Expected e, byte[] blob) {
        for (Partition p : e.partitions()) {
            byte[] names;
            if (e.tableType().equals("dos")) {
                names = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put(signature(e)).putLong(p.start()).array();
            } else {
                UUID g = UUID.fromString(p.uuid());
                names = ByteBuffer.allocate(24).put("DMIO:ID:".getBytes(StandardCharsets.US_ASCII))
                        .order(ByteOrder.LITTLE_ENDIAN).putInt((int) (g.getMostSignificantBits() >>> 32))
                        .putShort((short) (g.getMostSignificantBits() >>> 16)).putShort((short) g.getMostSignificantBits())
                        .order(ByteOrder.BIG_ENDIAN).putLong(g.getLeastSignificantBits()).array();
            }
            if (java.util.Arrays.equals(names, blob)) {
                return dev(e, p.device());
            }
        }
        return null;
    }

    /** The 4 bytes at 0x1B8 of a raw image, which must be the expected disk id, little-endian. */
    private byte[] signature(Expected e) {
        byte[] sig = new byte[4];
        try (RandomAccessFile f = new RandomAccessFile(paths.get(e).toFile(), "r")) {
            f.seek(0x1b8);
            f.readFully(sig);
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        assertEquals(e.diskId(), HexFormat.of().formatHex(new byte[] {sig[3], sig[2], sig[1], sig[0]}), e.image());
        return sig;
    }

    private static final Pattern VALUE = Pattern.compile("^\"((?:[^\"\\\\]|\\\\.)*)\"=(.*)$");

    /**
     * The values of one key of a hive, by {@code hivexregedit --export}: names unescaped, data as
     * exported ({@code str(1):"..."} strings shown as {@code "..."}, {@code dword:0000000a},
     * {@code hex(3):31,32,...}).
     */
    private static Map<String, String> values(Path hive, String key) {
        String out = Tool.run("hivexregedit", "--export", "--unsafe-printable-strings", hive.toString(), key).stdout();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\r?\n")) {
            Matcher m = VALUE.matcher(line);
            if (m.matches()) {
                values.put(m.group(1).replace("\\\\", "\\"), m.group(2).replaceFirst("^str\\(1\\):", ""));
            }
        }
        return values;
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static String dword(int v) {
        return String.format("dword:%08x", v);
    }

    private static byte[] hex(String exported) {
        assertTrue(exported.startsWith("hex(3):"), exported);
        return HexFormat.ofDelimiter(",").parseHex(exported.substring("hex(3):".length()));
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }
}
