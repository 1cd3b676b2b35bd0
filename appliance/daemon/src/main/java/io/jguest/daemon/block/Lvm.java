package io.jguest.daemon.block;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.LogicalVolume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * LVM through the {@code lvm} multi-call binary. There is no udev in the appliance, so activation
 * tells LVM not to wait for it and to create the device nodes itself.
 */
final class Lvm {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String NO_UDEV = "activation{udev_sync=0 udev_rules=0}";

    private final CommandRunner runner;

    Lvm(CommandRunner runner) {
        this.runner = runner;
    }

    boolean available() {
        return runner.find("lvm") != null;
    }

    /** Activates every volume group found and returns the logical volumes. */
    List<LogicalVolume> activateAll() throws GuestFsException {
        run("vgchange", "-ay", "--config", NO_UDEV);
        run("vgscan", "--mknodes", "--config", NO_UDEV);
        CommandResult lvs = run("lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "vg_name,lv_name,lv_size");
        return parseLvs(lvs.stdout());
    }

    /** Deactivates every volume group (their device-mapper nodes are removed). */
    void deactivateAll() throws GuestFsException {
        run("vgchange", "-an", "--config", NO_UDEV);
    }

    private CommandResult run(String... args) throws GuestFsException {
        List<String> argv = new ArrayList<>(List.of("lvm"));
        argv.addAll(List.of(args));
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new GuestFsException(Errno.EIO, null, "lvm " + args[0] + ": " + result.errorText());
        }
        return result;
    }

    /** Parses {@code lvs --noheadings --nosuffix --units b -o vg_name,lv_name,lv_size}. */
    static List<LogicalVolume> parseLvs(String output) {
        List<LogicalVolume> volumes = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 3) {
                continue;
            }
            long size;
            try {
                size = Long.parseLong(f[2].replaceAll("[^0-9]", ""));
            } catch (NumberFormatException e) {
                continue;
            }
            volumes.add(new LogicalVolume("/dev/" + f[0] + "/" + f[1], f[0], f[1], size));
        }
        return volumes;
    }

    /**
     * The {@code /dev/VG/LV} name of a device-mapper name ({@code vg-lv}, a {@code -} inside a name
     * doubled), or null when it is not in that form.
     */
    static String lvPathOfMapperName(String dmName) {
        StringBuilder vg = new StringBuilder();
        for (int i = 0; i < dmName.length(); i++) {
            char c = dmName.charAt(i);
            if (c == '-') {
                if (i + 1 < dmName.length() && dmName.charAt(i + 1) == '-') {
                    vg.append('-');
                    i++;
                    continue;
                }
                String lv = dmName.substring(i + 1).replace("--", "-");
                return vg.isEmpty() || lv.isEmpty() ? null : "/dev/" + vg + "/" + lv;
            }
            vg.append(c);
        }
        return null;
    }
}
