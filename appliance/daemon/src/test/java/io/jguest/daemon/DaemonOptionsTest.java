package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonOptionsTest {
    @Test
    void defaultsInTheAppliance() {
        DaemonOptions o = DaemonOptions.parse(List.of(), Map.of("JGUEST_SYSROOT", "/sysroot"), "quiet jguest.drives=1");
        assertEquals(new DaemonOptions(false, Path.of("/sysroot"), true, 8, false), o);
    }

    @Test
    void stdioDoesNotPowerOffUnlessAsked() {
        assertEquals(new DaemonOptions(true, Path.of("/tmp/x"), false, 2, true), DaemonOptions.parse(
                List.of("--stdio", "--sysroot", "/tmp/x", "--workers", "2"), Map.of(), "jguest.verbose=1"));
        assertEquals(true, DaemonOptions.parse(List.of("--stdio", "--poweroff-on-exit"), Map.of(), "").powerOff());
        assertEquals(false, DaemonOptions.parse(List.of("--no-poweroff"), Map.of(), "").powerOff());
        assertEquals(Path.of("/sysroot"), DaemonOptions.parse(List.of(), Map.of(), "").sysroot());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> DaemonOptions.parse(List.of("--bogus"), Map.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> DaemonOptions.parse(List.of("--sysroot"), Map.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> DaemonOptions.parse(List.of("--workers", "0"), Map.of(), ""));
    }
}
