package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.assertErrno;
import static io.jguest.cli.it.GuestAssertions.bytes;
import static io.jguest.cli.it.GuestAssertions.random;
import static io.jguest.cli.it.GuestAssertions.readFile;
import static io.jguest.cli.it.GuestAssertions.writeFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileType;
import io.jguest.api.Filesystem;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run on each other filesystem and format, in one appliance: XFS ({@code /dev/sda}, empty,
 * mounted at {@code /}), FAT ({@code /dev/sdb} at {@code /vfat}), NTFS through ntfs-3g
 * ({@code /dev/sdc} at {@code /ntfs}), and an ext4 inside a qcow2 image ({@code /dev/sdd}, format
 * detected, read-only drive, at {@code /qcow2}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtherFilesystemsIT {
    static final String XFS_UUID = "8e7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e";

    private ApplianceFixture appliance;
    private Guest guest;

    @BeforeAll
    void launch(@TempDir Path tmp) throws Exception {
        TestImages images = new TestImages(tmp);
        Path xfs = images.xfs("xfs.img", "xfslabel", XFS_UUID);
        Path vfat = images.vfat("vfat.img", 16, "VFATLABEL", "0A0B0C0D",
                Map.of("readme.txt", "fat file\n", "sub/", "", "sub/inner.txt", "inner\n"));
        Path ntfs = images.ntfs("ntfs.img", 16, "ntfslabel", Map.of("hello.txt", "ntfs hello\n"));
        Path raw = images.ext4("inner.img", 16, "inqcow", "9f8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f",
                images.tree("inner", Map.of("in-qcow2.txt", "from qcow2\n")));
        Path qcow2 = images.qcow2(raw, "disk.qcow2");
        appliance = ApplianceFixture.launch(Drive.readWrite(xfs), Drive.readWrite(vfat), Drive.readWrite(ntfs),
                Drive.readOnly(qcow2));
        guest = appliance.guest();
        guest.mount("/dev/sda", "/", "", null);
        for (String dir : List.of("/vfat", "/ntfs", "/qcow2")) {
            guest.mkdir(dir, 0755);
        }
        guest.mount("/dev/sdb", "/vfat", "", null);
        guest.mount("/dev/sdc", "/ntfs", "", null);
        guest.mount("/dev/sdd", "/qcow2", "", null);
    }

    @AfterAll
    void close() {
        if (appliance != null) {
            appliance.close(); // the read-only qcow2 is unchanged
        }
    }

    @Test
    void filesystemTypesAreRecognised() throws Exception {
        Map<String, String> types = new java.util.HashMap<>();
        for (Filesystem f : guest.listFilesystems()) {
            types.put(f.device(), f.type());
        }
        assertEquals("xfs", types.get("/dev/sda"));
        assertEquals("vfat", types.get("/dev/sdb"));
        assertEquals("ntfs", types.get("/dev/sdc"));
        assertEquals("ext4", types.get("/dev/sdd"));
        Filesystem x = guest.listFilesystems().stream().filter(f -> f.device().equals("/dev/sda")).findFirst().orElseThrow();
        assertEquals("xfslabel", x.label());
        assertEquals(XFS_UUID, x.uuid());
    }

    @Test
    void xfsReadWrite() throws Exception {
        byte[] data = random(1 << 20, 7);
        guest.mkdir("/x-dir", 0755);
        writeFile(guest, "/x-dir/data.bin", data);
        assertArrayEquals(data, readFile(guest, "/x-dir/data.bin"));
        guest.rename("/x-dir/data.bin", "/x-dir/renamed.bin", 0);
        assertEquals(List.of("renamed.bin"), guest.readdir("/x-dir").stream().map(DirEntry::name).toList());
        guest.symlink("renamed.bin", "/x-dir/ln");
        assertEquals("renamed.bin", guest.readlink("/x-dir/ln"));
        assertErrno(Errno.ENOTEMPTY, () -> guest.rmdir("/x-dir"));
        assertTrue(guest.statvfs("/").blocks() > 0);
    }

    @Test
    void vfatReadAndWrite() throws Exception {
        assertArrayEquals(bytes("fat file\n"), readFile(guest, "/vfat/readme.txt"));
        assertArrayEquals(bytes("inner\n"), readFile(guest, "/vfat/sub/inner.txt"));
        assertEquals(FileType.DIRECTORY, guest.lstat("/vfat/sub").type());
        writeFile(guest, "/vfat/new.txt", bytes("written on fat\n"));
        assertArrayEquals(bytes("written on fat\n"), readFile(guest, "/vfat/new.txt"));
        guest.unlink("/vfat/new.txt");
        assertErrno(Errno.ENOENT, () -> guest.lstat("/vfat/new.txt"));
        assertErrno(Errno.EEXIST, () -> guest.mkdir("/vfat/sub", 0755));
    }

    @Test
    void ntfsThroughNtfs3g() throws Exception {
        assertArrayEquals(bytes("ntfs hello\n"), readFile(guest, "/ntfs/hello.txt"));
        byte[] data = random(1 << 20, 9);
        guest.mkdir("/ntfs/Dir With Spaces", 0755);
        writeFile(guest, "/ntfs/Dir With Spaces/data.bin", data);
        assertArrayEquals(data, readFile(guest, "/ntfs/Dir With Spaces/data.bin"));
        assertTrue(guest.readdir("/ntfs").stream().anyMatch(e -> e.name().equals("Dir With Spaces")));
        assertErrno(Errno.ENOENT, () -> guest.lstat("/ntfs/missing"));
    }

    @Test
    void qcow2ImageIsDetectedAndReadable() throws Exception {
        assertArrayEquals(bytes("from qcow2\n"), readFile(guest, "/qcow2/in-qcow2.txt"));
        writeFile(guest, "/qcow2/overlay-only.txt", bytes("goes to the overlay\n"));
        guest.sync();
    }
}
