package io.jguest.daemon;

import io.jguest.daemon.block.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The feature names the hello advertises: {@code ntfs-3g} and {@code lvm} when their programs are in
 * the appliance, {@code openat2} when the kernel release has it (5.6+: the daemon then confines paths with it), and each filesystem the
 * kernel knows or has a module for (in {@code /proc/filesystems} or as {@code NAME.ko*} in the
 * appliance's module directories; modules may still be loading when the hello is sent).
 */
final class Capabilities {
    static final List<String> FILESYSTEMS = List.of("ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "ntfs3",
            "iso9660", "udf", "squashfs", "f2fs");
    private static final List<Path> MODULE_DIRS = List.of(Path.of("/lib/modules/extra"), Path.of("/lib/modules/boot"));

    private Capabilities() {
    }

    static List<String> detect(CommandRunner runner, boolean openat2) {
        List<String> caps = new ArrayList<>();
        if (runner.find("ntfs-3g") != null || runner.find("mount.ntfs-3g") != null) {
            caps.add("ntfs-3g");
        }
        if (runner.find("lvm") != null) {
            caps.add("lvm");
        }
        if (openat2) {
            caps.add("openat2");
        }
        Set<String> known = kernelFilesystems(Path.of("/proc/filesystems"));
        for (String fs : FILESYSTEMS) {
            if (known.contains(fs) || hasModule(fs)) {
                caps.add(fs);
            }
        }
        return caps;
    }

    /**
     * Whether a kernel of this release ("6.1.0-56-amd64") has {@code openat2(2)} (Linux 5.6 and later);
     * false when the release cannot be parsed.
     */
    static boolean kernelHasOpenat2(String release) {
        int dot = release.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        int end = dot + 1;
        while (end < release.length() && Character.isDigit(release.charAt(end))) {
            end++;
        }
        int major;
        int minor;
        try {
            major = Integer.parseInt(release.substring(0, dot));
            minor = Integer.parseInt(release.substring(dot + 1, end));
        } catch (NumberFormatException e) {
            return false;
        }
        return major > 5 || (major == 5 && minor >= 6);
    }

    /** Names in {@code /proc/filesystems} ("nodev\tproc", "\text4"). */
    static Set<String> kernelFilesystems(Path procFilesystems) {
        try {
            return Files.readAllLines(procFilesystems).stream()
                    .map(line -> line.substring(line.lastIndexOf('\t') + 1).strip())
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static boolean hasModule(String fs) {
        for (Path dir : MODULE_DIRS) {
            for (String ext : List.of(".ko", ".ko.xz", ".ko.zst", ".ko.gz")) {
                if (Files.exists(dir.resolve(fs + ext))) {
                    return true;
                }
            }
        }
        return false;
    }
}
