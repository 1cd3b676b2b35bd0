package io.jguest.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriveProbeTest {
    @TempDir
    Path dir;

    private final QemuBinary qemu = new QemuBinary(Path.of("/nonexistent/qemu-system-x86_64"), "test");

    private String failure(Drive d) {
        return assertThrows(ApplianceException.BadDrive.class, () -> DriveProbe.resolve(d, qemu)).getMessage();
    }

    @Test
    void badInputGetsOneLineNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.img");
        assertEquals(missing + ": no such file", failure(Drive.readOnly(missing)));
        assertTrue(failure(Drive.readOnly(dir)).contains("is a directory"));
        Path empty = Files.createFile(dir.resolve("empty.img"));
        assertTrue(failure(Drive.readOnly(empty)).startsWith(empty + ": is empty"));
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, not a disk\n");
        assertTrue(failure(Drive.readOnly(text)).startsWith(text + ": not a disk image"));
        Path raw = Files.write(dir.resolve("disk.img"), new byte[4096]);
        assertTrue(failure(new Drive(raw, "floppy", true)).contains("unknown format 'floppy'"));
        for (String msg : new String[] {failure(Drive.readOnly(text)), failure(Drive.readOnly(empty))}) {
            assertTrue(!msg.contains("\n"), "one line: " + msg);
        }
    }

    @Test
    void rawImagesAreSectorMultiplesAndFormatsComeFromMagic() throws Exception {
        Path raw = Files.write(dir.resolve("disk.img"), new byte[8192]);
        assertEquals("raw", DriveProbe.resolve(Drive.readOnly(raw), qemu).format());
        byte[] h = new byte[512];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, 0, h, 0, 4);
        assertEquals("qcow2", DriveProbe.detect(h, h.length));
        assertEquals("vhdx", DriveProbe.detect("vhdxfile........".getBytes(StandardCharsets.ISO_8859_1), 16));
        assertEquals("vmdk", DriveProbe.detect("KDMV....".getBytes(StandardCharsets.ISO_8859_1), 8));
        byte[] vdi = new byte[512];
        vdi[0x40] = 0x7f;
        vdi[0x41] = 0x10;
        vdi[0x42] = (byte) 0xda;
        vdi[0x43] = (byte) 0xbe;
        assertEquals("vdi", DriveProbe.detect(vdi, vdi.length));
        assertEquals("raw", DriveProbe.detect(new byte[512], 512));
    }

    @Test
    void aGivenFormatIsTakenAsIs() throws Exception {
        Path raw = Files.write(dir.resolve("odd.bin"), new byte[1000]);
        assertEquals("raw", DriveProbe.resolve(new Drive(raw, "RAW", true), qemu).format());
    }
}
