package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jguest.api.LogicalVolume;
import java.util.List;
import org.junit.jupiter.api.Test;

class LvmTest {
    @Test
    void activatesWithoutUdevAndListsVolumes() throws Exception {
        FakeCommandRunner runner = new FakeCommandRunner("lvm")
                .answer("lvm lvs", 0, "  vg0   root  8589934592\n  vg-data my-lv 1048576\n", "");
        List<LogicalVolume> lvs = new Lvm(runner).activateAll();
        assertEquals(List.of(new LogicalVolume("/dev/vg0/root", "vg0", "root", 8589934592L),
                new LogicalVolume("/dev/vg-data/my-lv", "vg-data", "my-lv", 1048576)), lvs);
        assertEquals(List.of("lvm", "vgchange", "-ay", "--config", "activation{udev_sync=0 udev_rules=0}"),
                runner.calls().getFirst());
        assertEquals("vgscan", runner.calls().get(1).get(1));
    }

    @Test
    void deactivatesEveryVolumeGroupWithoutUdev() throws Exception {
        FakeCommandRunner runner = new FakeCommandRunner("lvm");
        new Lvm(runner).deactivateAll();
        assertEquals(List.of(List.of("lvm", "vgchange", "-an", "--config", "activation{udev_sync=0 udev_rules=0}")),
                runner.calls());
    }

    @Test
    void mapperNames() {
        assertEquals("/dev/vg0/root", Lvm.lvPathOfMapperName("vg0-root"));
        assertEquals("/dev/vg-data/my-lv", Lvm.lvPathOfMapperName("vg--data-my--lv"));
        assertNull(Lvm.lvPathOfMapperName("luks"));
        assertNull(Lvm.lvPathOfMapperName("-x"));
    }
}
