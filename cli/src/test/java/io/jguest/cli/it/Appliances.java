package io.jguest.cli.it;

import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.util.List;

/**
 * Launches appliances for the ITs with the environment's accelerator (failsafe sets
 * {@code JGUEST_ACCEL=tcg}) and the daemon jars named by {@code jguest.daemon.classpath}. Build
 * progress goes to stderr (the first build takes a while); the console too with
 * {@code -Djguest.it.console=true}.
 */
public final class Appliances {
    private Appliances() {
    }

    public static Guest launch(Drive... drives) throws ApplianceException {
        ApplianceConfig.Builder b = ApplianceConfig.builder().progress(line -> System.err.println("[appliance] " + line));
        if (Boolean.getBoolean("jguest.it.console")) {
            b.console(line -> System.err.println("[console] " + line));
        }
        for (Drive d : drives) {
            b.addDrive(d);
        }
        return Guest.launch(b.build());
    }

    /** qemu processes started (directly or not) by this JVM and still alive. */
    public static List<ProcessHandle> qemuDescendants() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("qemu")).orElse(false)
                        || p.info().commandLine().map(c -> c.contains("qemu-system")).orElse(false))
                .toList();
    }
}
