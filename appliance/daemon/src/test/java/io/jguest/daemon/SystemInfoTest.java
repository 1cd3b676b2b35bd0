package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.protocol.Hello;
import io.jguest.protocol.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemInfoTest {
    @TempDir
    Path dir;

    @Test
    void uptime() {
        assertEquals(12340, SystemInfo.parseUptime("12.34 56.78\n"));
        assertEquals(1005, SystemInfo.parseUptime("1.005 0.1"));
        assertEquals(0, SystemInfo.parseUptime("garbage"));
        assertTrue(SystemInfo.uptimeMillis() > 0);
    }

    @Test
    void hello() {
        Hello h = SystemInfo.hello(List.of("lvm"));
        assertEquals(Wire.MAGIC, h.magic());
        assertEquals(Wire.VERSION, h.version());
        assertEquals(List.of("lvm"), h.capabilities());
        assertFalse(h.kernelRelease().isBlank());
    }

    @Test
    void kernelFilesystems() throws Exception {
        Files.writeString(dir.resolve("filesystems"), "nodev\tsysfs\nnodev\tproc\n\text4\n\txfs\n");
        assertEquals(Set.of("sysfs", "proc", "ext4", "xfs"), Capabilities.kernelFilesystems(dir.resolve("filesystems")));
    }

    @Test
    void findsTheVirtioPortByName() throws Exception {
        Path ports = dir.resolve("virtio-ports");
        Files.createDirectories(ports.resolve("vport1p1"));
        Files.createDirectories(ports.resolve("vport1p2"));
        Files.writeString(ports.resolve("vport1p1/name"), "org.qemu.guest_agent.0\n");
        Files.writeString(ports.resolve("vport1p2/name"), Wire.PORT_NAME + "\n");
        assertEquals(Path.of("/dev/vport1p2"), Channel.findPort(ports, Path.of("/dev"), Wire.PORT_NAME));
        assertNull(Channel.findPort(ports, Path.of("/dev"), "other"));
        assertNull(Channel.findPort(dir.resolve("none"), Path.of("/dev"), Wire.PORT_NAME));
    }
}
