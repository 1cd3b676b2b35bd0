package io.jguest.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jguest.appliance.Accel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccelVerdictsTest {
    @TempDir
    Path dir;

    @Test
    void forcedChoicesWin() {
        AccelVerdicts v = new AccelVerdicts(dir.resolve("a.properties"), "host1", () -> false);
        assertEquals(Accel.KVM, v.choose(Accel.KVM));
        assertEquals(Accel.TCG, v.choose(Accel.TCG));
    }

    @Test
    void noKvmDeviceMeansTcg() {
        assertEquals(Accel.TCG, new AccelVerdicts(dir.resolve("a.properties"), "host1", () -> false).choose(Accel.AUTO));
    }

    @Test
    void kvmIsTriedUntilJudgedBrokenAndTheVerdictIsRemembered() {
        Path file = dir.resolve("a.properties");
        AccelVerdicts first = new AccelVerdicts(file, "host1", () -> true);
        assertNull(first.verdict());
        assertEquals(Accel.KVM, first.choose(Accel.AUTO));
        first.recordKvmBroken();
        AccelVerdicts later = new AccelVerdicts(file, "host1", () -> true);
        assertEquals("broken", later.verdict());
        assertEquals(Accel.TCG, later.choose(Accel.AUTO), "a later process goes straight to TCG");
        assertEquals(Accel.KVM, new AccelVerdicts(file, "other-host", () -> true).choose(Accel.AUTO),
                "the verdict is per host (kernel, cpu, qemu)");
    }

    @Test
    void aWorkingKvmIsRecorded() {
        Path file = dir.resolve("a.properties");
        new AccelVerdicts(file, "host1", () -> true).recordKvmWorks();
        assertEquals("ok", new AccelVerdicts(file, "host1", () -> true).verdict());
        assertEquals(Accel.KVM, new AccelVerdicts(file, "host1", () -> true).choose(Accel.AUTO));
    }
}
