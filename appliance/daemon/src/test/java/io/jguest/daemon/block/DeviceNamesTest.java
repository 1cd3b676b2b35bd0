package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceNamesTest {
    @TempDir
    Path sys;

    /** /sys/block/NAME with a device link to a SCSI address, as the kernel lays it out. */
    private void disk(String name, String address) throws Exception {
        Path devices = Files.createDirectories(sys.resolve("devices/target").resolve(address));
        Path d = Files.createDirectories(sys.resolve("block").resolve(name));
        Files.createSymbolicLink(d.resolve("device"), devices);
    }

    @Test
    void disksAreOrderedByScsiTargetNotByKernelName() throws Exception {
        // the kernel probed the second and third drives first
        disk("sda", "0:0:1:0");
        disk("sdb", "0:0:2:0");
        disk("sdc", "0:0:0:0");
        SysBlock block = new SysBlock(sys.resolve("block"));
        assertEquals(List.of("sdc", "sda", "sdb"), block.disks());
        DeviceNames names = DeviceNames.of(block.userNames());
        assertEquals("/dev/sda", names.toUser("/dev/sdc"));
        assertEquals("/dev/sdb1", names.toUser("/dev/sda1"));
        assertEquals("/dev/sdc12", names.toUser("/dev/sdb12"));
        assertEquals("/dev/sdc2", names.toKernel("/dev/sda2"));
        assertEquals("/dev/vg/lv", names.toKernel("/dev/vg/lv"));
        assertEquals("/dev/sdz", names.toKernel("/dev/sdz"), "unknown disks pass unchanged");
    }

    @Test
    void inOrderProbesChangeNothing() throws Exception {
        disk("sda", "0:0:0:0");
        disk("sdb", "0:0:1:0");
        DeviceNames names = DeviceNames.of(new SysBlock(sys.resolve("block")).userNames());
        assertEquals(Map.of("sda", "sda", "sdb", "sdb"), names.kernelToUser());
    }
}
