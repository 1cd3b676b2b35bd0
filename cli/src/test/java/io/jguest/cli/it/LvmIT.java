package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.readFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Filesystem;
import io.jguest.api.LogicalVolume;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * LVM: a volume group on a disk, activated in the guest, its logical volume listed, recognised as
 * ext4 and mounted. The fixture needs root and a loop device on the host (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LvmIT {
    private final String vg = "jgvg" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private ApplianceFixture appliance;
    private Guest guest;

    @BeforeAll
    void launch(@TempDir Path tmp) throws Exception {
        TestImages images = new TestImages(tmp);
        Path disk = images.lvm("lvm.img", 32, vg, "lv0", 12, "lvroot",
                images.tree("lv", Map.of("on-lvm.txt", "inside a logical volume\n")));
        appliance = ApplianceFixture.launch(Drive.readOnly(disk));
        guest = appliance.guest();
    }

    @AfterAll
    void close() {
        if (appliance != null) {
            appliance.close(); // the read-only LVM disk is unchanged
        }
    }

    @Test
    void activatesListsAndMountsTheLogicalVolume() throws Exception {
        List<LogicalVolume> lvs = guest.lvmActivateAll();
        String device = "/dev/" + vg + "/lv0";
        assertEquals(List.of(new LogicalVolume(device, vg, "lv0", 12L << 20)), lvs);
        List<Filesystem> fs = guest.listFilesystems();
        assertTrue(fs.stream().anyMatch(f -> f.device().equals(device) && f.type().equals("ext4")
                && f.label().equals("lvroot")), fs::toString);
        assertTrue(fs.stream().anyMatch(f -> f.device().equals("/dev/sda") && f.type().equals("LVM2_member")),
                fs::toString);
        guest.mount(device, "/", "ro", null);
        assertArrayEquals("inside a logical volume\n".getBytes(StandardCharsets.UTF_8), readFile(guest, "/on-lvm.txt"));
        guest.umountAll();
    }
}
