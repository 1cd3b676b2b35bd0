package io.jguest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountInfoTest {
    @Test
    void parsesTheFieldsAroundOptionalOnes() {
        assertEquals(Optional.of(new MountInfo("0:55", Path.of("/mnt/my guest"), "fuse.jguest", "disk.img")),
                MountInfo.parse("99 22 0:55 / /mnt/my\\040guest rw,nosuid shared:90 master:1 - fuse.jguest disk.img rw,user_id=0"));
        assertEquals(Optional.of(new MountInfo("8:1", Path.of("/"), "ext4", "/dev/sda1")),
                MountInfo.parse("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw"));
    }

    @Test
    void rejectsLinesThatAreNotMountinfo() {
        assertEquals(Optional.empty(), MountInfo.parse("garbage"));
        assertEquals(Optional.empty(), MountInfo.parse(""));
        assertEquals(Optional.empty(), MountInfo.parse("22 1 8:1 / / rw,relatime ext4 /dev/sda1 rw"), "no separator");
        assertEquals(Optional.empty(), MountInfo.parse("22 1 8:1 / / rw - ext4"), "no source");
    }

    @Test
    void unescapesOctalOnly() {
        assertEquals("a b\tc\\d\ne", MountInfo.unescape("a\\040b\\011c\\134d\\012e"));
        assertEquals("x\\0", MountInfo.unescape("x\\0"));
        assertEquals("x\\8aa", MountInfo.unescape("x\\8aa"));
    }
}
