package io.jguest.inspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jguest.api.InspectionReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations (bytes flipped, inserted, deleted, files cut short) of a real guest's
 * release files, fstab, package database and registry hives: inspection always returns a report
 * with the root still found and its warnings bounded.
 */
class DetectionFuzzTest {
    static final int ROUNDS = 60;

    @TempDir
    Path tmp;

    @Test
    void mutatedLinuxFiles() throws IOException {
        GuestTree guest = LinuxInspectionTest.debian(tmp);
        Path root = tmp.resolve("fs1");
        List<String> files = List.of("/etc/os-release", "/etc/debian_version", "/etc/fstab", "/etc/hostname",
                "/var/lib/dpkg/status", "/bin/dash");
        fuzz(guest, root, files, "/dev/sda2");
    }

    @Test
    void mutatedHives() throws Exception {
        assumeTrue(WindowsInspectionTest.findMinimalHive().isPresent() && Files.isExecutable(Path.of("/usr/bin/hivexregedit")));
        WindowsInspectionTest.minimalHive = WindowsInspectionTest.findMinimalHive().get();
        WindowsInspectionTest w = new WindowsInspectionTest();
        w.tmp = tmp;
        GuestTree guest = w.windows7(WindowsInspectionTest.SOFTWARE);
        Path root = tmp.resolve("fs1");
        fuzz(guest, root, List.of("/Windows/System32/Config/SOFTWARE", "/Windows/System32/Config/SYSTEM",
                "/Windows/System32/cmd.exe"), "/dev/sda2");
    }

    private static void fuzz(GuestTree guest, Path root, List<String> files, String rootDevice) throws IOException {
        Inspector inspector = Inspector.create();
        for (int round = 0; round < ROUNDS; round++) {
            Random random = new Random(round);
            String file = files.get(random.nextInt(files.size()));
            Path p = root.resolve(file.substring(1));
            byte[] original = Files.readAllBytes(p);
            Files.write(p, mutate(original, random));
            try {
                InspectionReport report = inspector.inspect(guest.input(), true);
                assertEquals(List.of(rootDevice), report.roots().stream().map(os -> os.root()).toList(),
                        "round " + round + " (" + file + ")");
                assertTrue(report.warnings().size() <= 201, "round " + round);
            } finally {
                Files.write(p, original);
            }
        }
    }

    static byte[] mutate(byte[] data, Random random) {
        byte[] out = data.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(16); i < n && out.length > 0; i++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int at = random.nextInt(out.length + 1);
                byte[] insert = new byte[1 + random.nextInt(64)];
                random.nextBytes(insert);
                byte[] grown = new byte[out.length + insert.length];
                System.arraycopy(out, 0, grown, 0, at);
                System.arraycopy(insert, 0, grown, at, insert.length);
                System.arraycopy(out, at, grown, at + insert.length, out.length - at);
                out = grown;
            }
            case 2 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
            default -> {
                for (int i = 0; i < out.length; i += 1 + random.nextInt(64)) {
                    out[i] ^= (byte) (1 << random.nextInt(8));
                }
            }
        }
        return out;
    }
}
