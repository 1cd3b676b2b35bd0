package io.jguest.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.build.Appliance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The saved machine's command line and the hot-plug arguments (no qemu runs). */
class SavedLaunchTest {
    private static final Appliance APPLIANCE = new Appliance(Path.of("/cache/a"), Path.of("/cache/a/kernel"),
            Path.of("/cache/a/initrd"), Path.of("/cache/a/root.img"), List.of(), "6.1.0-test", "abc");
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

    private static List<String> argv(Path state) {
        return SavedLaunch.argv(new QemuBinary(QEMU, "QEMU emulator version 7.2.22", true), Accel.TCG, 512, 2, APPLIANCE, Path.of("/tmp/j/channel.sock"), Path.of("/tmp/j/qmp.sock"),
                state);
    }

    @Test
    void theSavedMachineIsTheApplianceWithoutDrivesPlusQmp() {
        List<String> save = argv(null);
        List<String> cold = new QemuCommandLine(new QemuBinary(QEMU, "QEMU emulator version 7.2.22", true), Accel.TCG, 512, 2, APPLIANCE, List.of(), Path.of("/tmp/j/channel.sock"),
                List.of(), null).argv();
        assertEquals(cold, save.subList(0, cold.size()), "the same machine and devices as a cold boot without drives");
        assertEquals(List.of("-chardev", "socket,id=qmp0,path=/tmp/j/qmp.sock", "-mon", "chardev=qmp0,mode=control"),
                save.subList(cold.size(), save.size()));
        assertTrue(save.contains("virtio-scsi-pci,id=scsi0"), "the controller drives are hot-plugged into");
        assertTrue(cold.get(cold.indexOf("-append") + 1).contains("jguest.drives=0"));
    }

    @Test
    void aRestoreIsTheSameCommandLinePlusIncoming() {
        List<String> save = argv(null);
        List<String> restore = argv(Path.of("/cache/a/saved-1.vmstate"));
        assertEquals(save, restore.subList(0, save.size()));
        assertEquals(List.of("-S", "-incoming", "exec:cat '/cache/a/saved-1.vmstate'"), restore.subList(save.size(), restore.size()));
        assertEquals("exec:cat '/home/o'\\''brien/x y'",
                "exec:cat " + SavedLaunch.shellQuote("/home/o'brien/x y"));
    }

    @Test
    void forConfigOnlyWhenASavedApplianceCanServe() throws Exception {
        QemuBinary qemu = new QemuBinary(QEMU, "QEMU emulator version 7.2.22");
        ApplianceConfig.Builder b = ApplianceConfig.builder().daemonClasspath(List.of(Path.of("/x.jar")));
        assertNotNull(SavedLaunch.forConfig(b.savedState(true).build(), qemu, List.of(), APPLIANCE));
        assertNull(SavedLaunch.forConfig(b.savedState(false).build(), qemu, List.of(), APPLIANCE));
        assertNotNull(SavedLaunch.forConfig(b.savedState(true).addKernelArg("jguest.verbose=1").build(), qemu, List.of(),
                APPLIANCE), "verbose travels in the resume");
        assertNull(SavedLaunch.forConfig(b.savedState(true).addKernelArg("initcall_debug").build(), qemu, List.of(),
                APPLIANCE), "kernel arguments need a boot");
    }

    @Test
    void readWriteDrivesAreAddedAsTheyAre() {
        HotPlug p = new HotPlug(1, new DriveProbe.Resolved(Path.of("/img/b.qcow2"), "qcow2", false), false, null);
        assertEquals(Map.of("node-name", "hd1", "driver", "qcow2", "file", Map.of("driver", "file", "filename", "/img/b.qcow2"),
                "discard", "unmap", "cache", Map.of("direct", false, "no-flush", false)), p.blockdevAdd());
        assertEquals(Map.of("driver", "scsi-hd", "id", "disk1", "drive", "hd1", "bus", "scsi0.0", "channel", 0,
                "scsi-id", 1, "lun", 0, "write-cache", "on", "werror", "report", "rerror", "report"), p.deviceAdd());
    }

    @Test
    void readOnlyDrivesGoThroughAnOverlayOverTheImageOpenedReadOnly() {
        HotPlug p = new HotPlug(0, new DriveProbe.Resolved(Path.of("/img/a.vmdk"), "vmdk", true), false,
                Path.of("/tmp/j/overlay0.qcow2"));
        Map<String, Object> args = p.blockdevAdd();
        assertEquals("qcow2", args.get("driver"));
        assertEquals(Map.of("driver", "file", "filename", "/tmp/j/overlay0.qcow2"), args.get("file"));
        assertEquals(Map.of("driver", "vmdk", "read-only", true,
                "file", Map.of("driver", "file", "filename", "/img/a.vmdk", "read-only", true)), args.get("backing"));
        assertEquals(List.of("/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", "-b", "/img/a.vmdk", "-F", "vmdk",
                "/tmp/j/overlay0.qcow2"), p.overlayCommand(Path.of("/usr/bin/qemu-img")));
        assertEquals(0, p.deviceAdd().get("scsi-id"));
    }

    @Test
    void blockDevicesUseTheHostDeviceDriver() {
        HotPlug rw = new HotPlug(2, new DriveProbe.Resolved(Path.of("/dev/loop3"), "raw", false), true, null);
        assertEquals(Map.of("driver", "host_device", "filename", "/dev/loop3"), rw.blockdevAdd().get("file"));
        HotPlug ro = new HotPlug(2, new DriveProbe.Resolved(Path.of("/dev/loop3"), "raw", true), true, Path.of("/tmp/o"));
        assertEquals(Map.of("driver", "file", "filename", "/tmp/o"), ro.blockdevAdd().get("file"), "the overlay is a file");
        assertEquals("host_device", ((Map<?, ?>) ((Map<?, ?>) ro.blockdevAdd().get("backing")).get("file")).get("driver"));
    }

    @Test
    void anOverlayGoesWithReadOnlyAndOnlyWithIt() {
        DriveProbe.Resolved ro = new DriveProbe.Resolved(Path.of("/a"), "raw", true);
        DriveProbe.Resolved rw = new DriveProbe.Resolved(Path.of("/a"), "raw", false);
        assertThrows(IllegalArgumentException.class, () -> new HotPlug(0, ro, false, null));
        assertThrows(IllegalArgumentException.class, () -> new HotPlug(0, rw, false, Path.of("/o")));
        assertFalse(new HotPlug(0, rw, false, null).drive().readOnly());
    }
}
