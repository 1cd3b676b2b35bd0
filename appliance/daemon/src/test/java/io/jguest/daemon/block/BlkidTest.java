package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlkidTest {
    /** Real output of {@code blkid -p -o export} for a FAT disk and an MBR disk. */
    private static final String TWO_DEVICES = """
            DEVNAME=/dev/sda
            SEC_TYPE=msdos
            LABEL=MY\\ LABEL
            UUID=7452-162E
            TYPE=vfat
            USAGE=filesystem

            DEVNAME=/dev/sdb
            PTUUID=0badcafe
            PTTYPE=dos
            """;

    @Test
    void parsesBlocksByDevice() throws Exception {
        FakeCommandRunner runner = new FakeCommandRunner("blkid").answer("blkid -p", 0, TWO_DEVICES, "");
        Map<String, Map<String, String>> found = new Blkid(runner).probe(List.of("/dev/sda", "/dev/sdb"));
        assertEquals("MY LABEL", found.get("/dev/sda").get("LABEL"));
        assertEquals("vfat", found.get("/dev/sda").get("TYPE"));
        assertEquals("dos", found.get("/dev/sdb").get("PTTYPE"));
        assertEquals(List.of(List.of("blkid", "-p", "-o", "export", "/dev/sda", "/dev/sdb")), runner.calls());
    }

    @Test
    void nothingFoundIsEmptyNotAnError() throws Exception {
        FakeCommandRunner runner = new FakeCommandRunner("blkid").answer("blkid", 2, "", "");
        assertEquals(Map.of(), new Blkid(runner).filesystems(List.of("/dev/sda")));
        assertEquals(Map.of(), new Blkid(runner).filesystems(List.of()));
        assertEquals(1, runner.calls().size(), "no devices, no blkid");
    }

    @Test
    void realFailureIsEio() {
        FakeCommandRunner runner = new FakeCommandRunner("blkid").answer("blkid", 4, "", "blkid: bad usage");
        GuestFsException e = assertThrows(GuestFsException.class, () -> new Blkid(runner).probe(List.of("/dev/sda")));
        assertEquals(Errno.EIO, e.errno());
        assertEquals("blkid: blkid: bad usage (EIO)", e.getMessage());
    }

    @Test
    void unescape() {
        assertEquals("a b\\c", Blkid.unescape("a\\ b\\\\c"));
    }
}
