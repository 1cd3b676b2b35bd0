package io.jguest.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.launch.QemuBinary;
import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the qemu of a real guestmount may do, read from the running process ({@code /proc/PID}): it
 * runs as the invoking user, under its seccomp sandbox where the qemu build has one, with no network
 * device and no host directory shared into the guest. (The mountpoint's privacy is another test's.)
 */
@DisplayName("isolation")
class IsolationConformanceIT {
    /** Every device the appliance's qemu may have: none of them reaches a network or a host directory. */
    private static final Set<String> DEVICES = Set.of("virtio-rng-pci", "virtio-blk-pci", "virtio-scsi-pci", "scsi-hd",
            "virtio-serial-pci", "virtserialport");

    @TempDir
    static Path tmp;
    private static MountTool tool;
    private static Path image;
    private static long qemu;
    private static List<String> argv;

    @BeforeAll
    static void mount() throws IOException {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        image = images.ext4("iso.img", 16, "gmiso", "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
                images.tree("content", Map.of("hello.txt", "hello\n")));
        Path mnt = tool.mount(tool.mountpoint("mnt"), "-a", image.toString(), "-m", "/dev/sda");
        long server = tool.serverPid(mnt);
        qemu = ProcessHandle.of(server).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no qemu under guestmount " + server)).pid();
        byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(qemu), "cmdline"));
        argv = List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
    }

    @AfterAll
    static void unmount() throws InterruptedException {
        if (tool == null) {
            return;
        }
        try {
            MountTool.Result r = tool.guestunmount(tool.work().resolve("mnt").toString());
            assertEquals(0, r.exitCode(), r::toString);
            tool.assertNothingLeft();
        } finally {
            tool.close();
        }
    }

    @Test
    void qemuRunsAsTheInvokingUser() throws IOException {
        Map<String, String> mine = status("self");
        Map<String, String> its = status(Long.toString(qemu));
        assertEquals(mine.get("Uid"), its.get("Uid"), "real, effective, saved and filesystem uid");
        assertEquals(mine.get("Gid"), its.get("Gid"), "real, effective, saved and filesystem gid");
    }

    @Test
    void qemuRunsUnderItsSeccompSandbox() throws Exception {
        Assumptions.assumeTrue(QemuBinary.find().sandbox(), "this qemu build has no seccomp sandbox (-sandbox)");
        assertEquals(QemuBinary.SANDBOX, after("-sandbox"), argv::toString);
        assertEquals("2", status(Long.toString(qemu)).get("Seccomp"), "seccomp in filter mode");
    }

    @Test
    void qemuHasNoNetworkDeviceAndSharesNoHostDirectory() {
        assertTrue(argv.contains("-nodefaults"), "no default devices (a NIC among them): " + argv);
        assertTrue(argv.contains("-no-user-config"), "no device from a config file: " + argv);
        for (String option : argv) {
            assertTrue(!option.matches("-(net|nic|netdev|virtfs|fsdev|usb|usbdevice|device-config|readconfig)"),
                    "network or shared directory option " + option + " in " + argv);
        }
        List<String> devices = values("-device");
        assertTrue(!devices.isEmpty(), argv::toString);
        for (String d : devices) {
            assertTrue(DEVICES.contains(d.split(",")[0]), "unexpected device " + d);
        }
        for (String c : values("-chardev")) {
            assertTrue(c.startsWith("socket,"), "only sockets to the launching process: " + c);
        }
        for (String drive : values("-drive")) {
            // the appliance's root, and on a cold boot the image given (a restored appliance gets it by QMP)
            assertTrue(drive.contains("/root.img,") && drive.contains("readonly=on")
                    || drive.startsWith("file=" + image + ","), "only the appliance's root and the image: " + drive);
        }
    }

    private String after(String option) {
        List<String> v = values(option);
        assertEquals(1, v.size(), () -> option + " in " + argv);
        return v.getFirst();
    }

    private static List<String> values(String option) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option)) {
                out.add(argv.get(i + 1));
            }
        }
        return out;
    }

    /** /proc/PID/status as name to value (whitespace collapsed). */
    private static Map<String, String> status(String pid) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
            }
        }
        return m;
    }
}
