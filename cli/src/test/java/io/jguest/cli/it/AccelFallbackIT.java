package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.appliance.LaunchReport;
import io.jguest.appliance.launch.AccelVerdicts;
import io.jguest.appliance.launch.QemuBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accelerator choice with nothing forced (the suite otherwise forces TCG): KVM is tried first;
 * where it does not boot the appliance (here: qemu aborts or the guest hangs under KVM), the launch
 * falls back to TCG and remembers it, so the next launch goes straight to TCG. On a host where KVM
 * works, the first launch uses KVM and the verdict says so.
 */
class AccelFallbackIT {
    @TempDir
    Path cache;

    private LaunchReport launchOnce(Path image) throws Exception {
        ApplianceConfig cfg = ApplianceConfig.builder().accel(Accel.AUTO).cacheDir(cache)
                .kvmReadyTimeout(Duration.ofSeconds(8)).addDrive(Drive.readOnly(image)).build();
        try (Guest g = Guest.launch(cfg)) {
            assertEquals("ok", g.ping("ok"), "the appliance answers whatever accelerator booted it");
            return g.report();
        }
    }

    @Test
    void kvmIsTriedAndABrokenKvmIsRememberedAsTcg() throws Exception {
        Path image = Files.write(cache.resolve("disk.img"), new byte[1 << 20]);
        AccelVerdicts verdicts = AccelVerdicts.forHost(cache, QemuBinary.find().version(), AccelVerdicts.systemKvm());
        boolean kvmDevice = AccelVerdicts.systemKvm().usable();

        LaunchReport first = launchOnce(image);
        assertNotEquals(Accel.AUTO, first.accel());
        if (!kvmDevice) {
            assertEquals(Accel.TCG, first.accel());
            assertFalse(first.kvmFallback(), "no /dev/kvm: TCG without trying KVM");
            return;
        }
        if (first.accel() == Accel.KVM) {
            assertEquals("ok", verdicts.verdict());
            return;
        }
        assertTrue(first.kvmFallback(), "KVM was tried before TCG");
        assertEquals("broken", verdicts.verdict());

        LaunchReport second = launchOnce(image);
        assertEquals(Accel.TCG, second.accel());
        assertFalse(second.kvmFallback(), "the verdict is remembered: straight to TCG");
    }
}
