package io.jguest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.cli.bench.Stats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Small pieces of the CLI: mount specs, mode strings, statistics, tables, UTF-8 decoding. */
class UnitsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/dev/sda1|/dev/sda1|/||",
        "/dev/sda1:/boot|/dev/sda1|/boot||",
        "/dev/sda1:/:noatime|/dev/sda1|/|noatime|",
        "/dev/sda1:/win:ro:ntfs|/dev/sda1|/win|ro|ntfs",
        "/dev/sda1::|/dev/sda1|/||",
    })
    void mountSpecParses(String spec, String dev, String mp, String opts, String type) {
        MountSpec m = MountSpec.parse(spec);
        assertEquals(new MountSpec(dev, mp, opts == null ? "" : opts, type), m);
    }

    @Test
    void mountSpecRejectsEmptyDevice() {
        assertThrows(IllegalArgumentException.class, () -> MountSpec.parse(":/x"));
    }

    @Test
    void readOnlyAddsRoOnce() {
        assertEquals("ro", MountSpec.parse("/dev/sda1").readOnly().options());
        assertEquals("ro,noatime", MountSpec.parse("/dev/sda1:/:noatime").readOnly().options());
        assertEquals("noatime,ro", MountSpec.parse("/dev/sda1:/:noatime,ro").readOnly().options());
    }

    @Test
    void mountOrderIsShortestFirst() {
        List<MountSpec> sorted = List.of(MountSpec.parse("b:/boot/efi"), MountSpec.parse("a:/"), MountSpec.parse("c:/boot"))
                .stream().sorted(MountSpec.MOUNT_ORDER).toList();
        assertEquals(List.of("/", "/boot", "/boot/efi"), sorted.stream().map(MountSpec::mountpoint).toList());
    }

    @ParameterizedTest
    @CsvSource({
        "0100644, -rw-r--r--",
        "0040755, drwxr-xr-x",
        "0120777, lrwxrwxrwx",
        "0104755, -rwsr-xr-x",
        "0102644, -rw-r-Sr--",
        "0041777, drwxrwxrwt",
        "0010600, prw-------",
    })
    void modeString(String octal, String expected) {
        assertEquals(expected, LsCommand.modeString(Integer.parseInt(octal, 8)));
    }

    @Test
    void statsMeanAndSampleDeviation() {
        Stats s = Stats.of(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)));
        assertEquals(20.0, s.meanMs(), 1e-9);
        assertEquals(10.0, s.sdMs(), 1e-9);
        assertEquals("20.0ms ±10.0ms", s.format());
        assertEquals(0.0, Stats.of(List.of(Duration.ofMillis(5))).sdMs());
    }

    @Test
    void tableAlignsColumnsAndShowsDashForEmpty() {
        StringWriter sw = new StringWriter();
        new Table("A", "BB").row("xxx", "").row("y", 1).print(new PrintWriter(sw, true));
        assertEquals(List.of("A    BB", "xxx  -", "y    1"), sw.toString().lines().toList());
    }

    @Test
    void utf8StreamKeepsCharactersSplitAcrossWrites() throws Exception {
        byte[] bytes = "aé€😀z".getBytes(StandardCharsets.UTF_8);
        StringWriter sw = new StringWriter();
        try (Utf8WriterStream s = new Utf8WriterStream(sw)) {
            for (byte b : bytes) {
                s.write(new byte[] {b}, 0, 1);
            }
        }
        assertEquals("aé€😀z", sw.toString());
    }
}
