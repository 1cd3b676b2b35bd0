package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.bytes;
import static io.jguest.cli.it.GuestAssertions.readFile;
import static io.jguest.cli.it.TestImages.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.Partition;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices, partitions and filesystems as the guest sees them: an MBR disk (ext4 + FAT), a GPT disk
 * with known GUIDs, and a bare ext4 image, all read-only (and left byte-for-byte unchanged).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevicesIT {
    static final String MBR_SIGNATURE = "1234abcd";
    static final String GPT_DISK_GUID = "6e1f6b1c-8a39-4c8f-9a4e-0f5b2d7e9c11";
    static final String GPT_P1_GUID = "a1b2c3d4-1111-4222-8333-444455556666";
    static final String GPT_P2_GUID = "b1b2c3d4-7777-4888-9999-aaaabbbbcccc";
    static final String MBR_EXT4_UUID = "11111111-2222-4333-8444-555555555555";
    static final String GPT_EXT4_UUID = "22222222-3333-4444-8555-666666666666";
    static final String BARE_EXT4_UUID = "0d7c1f2e-3b4a-4c5d-9e6f-708192a3b4c5";
    // 40 MiB disks: partition 1 at 1 MiB (10 MiB), partition 2 at 11 MiB
    static final long P1_START = 2048;
    static final long P1_SECTORS = 20480;
    static final long P2_START = 22528;

    private ApplianceFixture appliance;
    private Guest guest;

    @BeforeAll
    void launch(@TempDir Path tmp) throws Exception {
        TestImages images = new TestImages(tmp);
        Path mbr = images.partitioned("mbr.img", 40, """
                label: dos
                label-id: 0x%s
                start=%d, size=%d, type=83
                start=%d, type=c
                """.formatted(MBR_SIGNATURE, P1_START, P1_SECTORS, P2_START));
        images.ext4Into(mbr, P1_START * 512, P1_SECTORS * 512, "mbr-root", MBR_EXT4_UUID,
                images.tree("mbr-root", Map.of("hello.txt", "hello from mbr\n")));
        images.vfatInto(mbr, P2_START, 40 * MIB / 512 - P2_START, "MBRFAT", "1234ABCD", Map.of("fat.txt", "on fat\n"));

        Path gpt = images.partitioned("gpt.img", 40, """
                label: gpt
                label-id: %s
                start=%d, size=%d, type=%s, uuid=%s, name="linux"
                start=%d, size=%d, type=%s, uuid=%s, name="data"
                """.formatted(GPT_DISK_GUID.toUpperCase(Locale.ROOT), P1_START, P1_SECTORS, TestImages.GPT_LINUX,
                GPT_P1_GUID, P2_START, P1_SECTORS, TestImages.GPT_MS_DATA, GPT_P2_GUID));
        images.ext4Into(gpt, P1_START * 512, P1_SECTORS * 512, "gpt-root", GPT_EXT4_UUID, null);

        Path bare = images.ext4("bare.img", 16, "bare-ext4", BARE_EXT4_UUID, images.tree("bare", Map.of("x", "y")));
        appliance = ApplianceFixture.launch(Drive.readOnly(mbr), Drive.readOnly(gpt), Drive.readOnly(bare));
        guest = appliance.guest();
    }

    @AfterAll
    void close() {
        if (appliance != null) {
            appliance.close(); // and the three images, all read-only, are unchanged
        }
    }

    @Test
    void devicesInDriveOrderWithTablesAndIds() throws Exception {
        List<BlockDevice> devices = guest.listDevices();
        assertEquals(List.of("/dev/sda", "/dev/sdb", "/dev/sdc"), devices.stream().map(BlockDevice::device).toList());
        assertEquals(40 * MIB, devices.get(0).size());
        assertEquals(40 * MIB, devices.get(1).size());
        assertEquals(16 * MIB, devices.get(2).size());
        assertEquals("dos", devices.get(0).tableType());
        assertEquals(MBR_SIGNATURE, devices.get(0).diskId());
        assertEquals("gpt", devices.get(1).tableType());
        assertEquals(GPT_DISK_GUID, devices.get(1).diskId().toLowerCase(Locale.ROOT));
        assertNull(devices.get(2).tableType());
    }

    @Test
    void mbrPartitions() throws Exception {
        Partition p1 = partition("/dev/sda1");
        Partition p2 = partition("/dev/sda2");
        assertEquals(new Partition("/dev/sda1", "/dev/sda", 1, P1_START * 512, P1_SECTORS * 512, "dos", p1.type(),
                MBR_SIGNATURE + "-01"), p1);
        assertEquals(0x83, Integer.decode(p1.type()));
        assertEquals(P2_START * 512, p2.start());
        assertEquals(40 * MIB - P2_START * 512, p2.size());
        assertEquals(0x0c, Integer.decode(p2.type()));
        assertEquals(MBR_SIGNATURE + "-02", p2.uuid());
        assertEquals(2, p2.number());
    }

    @Test
    void gptPartitionsWithGuids() throws Exception {
        Partition p1 = partition("/dev/sdb1");
        Partition p2 = partition("/dev/sdb2");
        assertEquals(new Partition("/dev/sdb1", "/dev/sdb", 1, P1_START * 512, P1_SECTORS * 512, "gpt",
                TestImages.GPT_LINUX, GPT_P1_GUID), p1);
        assertEquals(new Partition("/dev/sdb2", "/dev/sdb", 2, P2_START * 512, P1_SECTORS * 512, "gpt",
                TestImages.GPT_MS_DATA, GPT_P2_GUID), p2);
        assertTrue(guest.listPartitions().stream().noneMatch(p -> p.disk().equals("/dev/sdc")));
    }

    @Test
    void filesystemsWithTypesLabelsAndUuids() throws Exception {
        assertEquals(new Filesystem("/dev/sda1", "ext4", "mbr-root", MBR_EXT4_UUID), filesystem("/dev/sda1"));
        assertEquals(new Filesystem("/dev/sda2", "vfat", "MBRFAT", "1234-ABCD"), filesystem("/dev/sda2"));
        assertEquals(new Filesystem("/dev/sdb1", "ext4", "gpt-root", GPT_EXT4_UUID), filesystem("/dev/sdb1"));
        assertEquals(new Filesystem("/dev/sdc", "ext4", "bare-ext4", BARE_EXT4_UUID), filesystem("/dev/sdc"));
    }

    @Test
    void readsFromMbrPartitionsMountedReadOnly() throws Exception {
        guest.mount("/dev/sda1", "/", "ro", null);
        try {
            assertArrayEquals(bytes("hello from mbr\n"), readFile(guest, "/hello.txt"));
        } finally {
            guest.umountAll();
        }
        guest.mount("/dev/sda2", "/", "ro", "vfat");
        try {
            assertArrayEquals(bytes("on fat\n"), readFile(guest, "/fat.txt"));
        } finally {
            guest.umountAll();
        }
    }

    private Partition partition(String device) throws Exception {
        Optional<Partition> p = guest.listPartitions().stream().filter(x -> x.device().equals(device)).findFirst();
        return p.orElseThrow(() -> new AssertionError(device + " not in " + listPartitionsQuietly()));
    }

    private Filesystem filesystem(String device) throws Exception {
        List<Filesystem> all = guest.listFilesystems();
        return all.stream().filter(f -> f.device().equals(device)).findFirst()
                .orElseThrow(() -> new AssertionError(device + " not in " + all));
    }

    private String listPartitionsQuietly() {
        try {
            return guest.listPartitions().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
