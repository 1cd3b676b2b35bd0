package io.jguest.cli.mount;

import io.jguest.api.DriveMapping;
import io.jguest.api.Errno;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import io.jguest.cli.CliException;
import io.jguest.cli.ErrorHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code guestmount -i}: what to mount where so that the mount shows the guest as it sees itself,
 * from an inspection report ({@link #of}), and doing it in the appliance ({@link #apply}).
 *
 * <ul>
 *   <li>Exactly one operating system: none is an error, several need {@code --root DEV} (as
 *       libguestfs's "no operating system was found on the disk" and "multi-boot operating systems
 *       are not supported").</li>
 *   <li>A Linux (any non-Windows) guest: its fstab mountpoints, shortest first (stable for equal
 *       lengths, so {@code /} comes first), as libguestfs's {@code -i} does. Failing to mount
 *       {@code /} is fatal; any other failure is a warning and the mount goes on.</li>
 *   <li>A Windows guest: one top-level directory per drive letter ({@code /C}, {@code /D}...) from
 *       its {@code MountedDevices}, each its partition; the names below match case-insensitively
 *       ({@link #driveLetters()}: the mount wraps the guest in
 *       {@link io.jguest.mountlocal.CaseInsensitiveFileSystem}). Failing to mount the system drive
 *       is fatal, any other drive a warning. A device mapped to several letters is mounted at the
 *       first; the others are symlinks to it ({@code E -> C}), so they show the same files.</li>
 * </ul>
 *
 * @param os           the operating system mounted
 * @param driveLetters whether the top level is drive letters (a Windows guest)
 * @param mounts       in the order to mount them
 * @param aliases      letters that show another letter's drive (Windows)
 */
record InspectorLayout(InspectedOs os, boolean driveLetters, List<Mount> mounts, List<Alias> aliases) {
    InspectorLayout {
        mounts = List.copyOf(mounts);
        aliases = List.copyOf(aliases);
    }

    /**
     * One filesystem to mount.
     *
     * @param required a failure ends guestmount (the root, the system drive); otherwise it is a warning
     */
    record Mount(String device, String mountpoint, String options, boolean required) {
    }

    /** A drive letter showing the same drive as {@code sameAs}: a symlink {@code /letter -> sameAs}. */
    record Alias(String letter, String sameAs) {
    }

    /** Shortest first ({@code /} before {@code /boot} before {@code /boot/efi}); sorting is stable for equal lengths. */
    private static final Comparator<OsMountpoint> MOUNT_ORDER = Comparator.comparingInt(m -> m.mountpoint().length());

    /**
     * Chooses the operating system and plans its mounts.
     *
     * @param root     {@code --root}, or null
     * @param readOnly {@code --ro}: every mount gets {@code ro}
     * @throws CliException no operating system, several and no {@code --root}, or a {@code --root}
     *                      that is none of them
     */
    static InspectorLayout of(InspectionReport report, String root, boolean readOnly) throws CliException {
        InspectedOs os = choose(report.roots(), root);
        String options = readOnly ? "ro" : "";
        return isWindows(os) ? windows(os, options) : unix(os, options);
    }

    private static InspectedOs choose(List<InspectedOs> roots, String root) throws CliException {
        if (roots.isEmpty()) {
            throw new CliException("no operating system was found on the disk(s)");
        }
        if (root != null) {
            for (InspectedOs os : roots) {
                if (os.root().equals(root)) {
                    return os;
                }
            }
            throw new CliException("--root " + root + ": no operating system has its root there; found: " + describe(roots));
        }
        if (roots.size() > 1) {
            throw new CliException("multiple operating systems found: " + describe(roots) + "; choose one with --root");
        }
        return roots.getFirst();
    }

    /** {@code /dev/sda2 (linux, debian), /dev/sdb1 (windows)}. */
    static String describe(List<InspectedOs> roots) {
        return roots.stream().map(os -> {
            String type = os.type() == null ? "unknown" : os.type();
            boolean distro = os.distro() != null && !os.distro().isEmpty() && !os.distro().equals(type);
            return os.root() + " (" + type + (distro ? ", " + os.distro() : "") + ")";
        }).collect(Collectors.joining(", "));
    }

    private static boolean isWindows(InspectedOs os) {
        return "windows".equals(os.type());
    }

    /** The fstab mountpoints, shortest first; {@code /} is the root's when fstab does not say. */
    private static InspectorLayout unix(InspectedOs os, String options) {
        Map<String, OsMountpoint> byMountpoint = new LinkedHashMap<>();
        for (OsMountpoint m : os.mountpoints()) {
            if (m.mountpoint().startsWith("/")) {
                byMountpoint.putIfAbsent(m.mountpoint(), m);   // a duplicate: the first wins, as in libguestfs
            }
        }
        byMountpoint.putIfAbsent("/", new OsMountpoint("/", os.root()));
        List<Mount> mounts = byMountpoint.values().stream().sorted(MOUNT_ORDER)
                .map(m -> new Mount(m.device(), m.mountpoint(), options, m.mountpoint().equals("/"))).toList();
        return new InspectorLayout(os, false, mounts, List.of());
    }

    /**
     * One directory per drive letter. Without drive mappings (no {@code MountedDevices}, or none
     * matched a partition) the system drive is C: libguestfs's {@code -i} would mount it at {@code /},
     * but a Windows user looks for {@code C/}, and the layout stays the same whether or not the
     * registry could be read. When the mappings leave the system drive out, it gets C (else the first
     * free letter after it).
     */
    private static InspectorLayout windows(InspectedOs os, String options) {
        TreeMap<String, String> letters = new TreeMap<>();
        for (DriveMapping d : os.driveMappings()) {
            String letter = d.letter() == null ? "" : d.letter().toUpperCase(Locale.ROOT);
            if (letter.length() == 1 && letter.charAt(0) >= 'A' && letter.charAt(0) <= 'Z') {
                letters.putIfAbsent(letter, d.device());
            }
        }
        if (!letters.containsValue(os.root())) {
            for (char c = 'C'; c <= 'Z'; c++) {
                if (letters.putIfAbsent(String.valueOf(c), os.root()) == null) {
                    break;
                }
            }
        }
        Map<String, String> firstLetterOf = new LinkedHashMap<>();
        List<Mount> mounts = new ArrayList<>();
        List<Alias> aliases = new ArrayList<>();
        letters.forEach((letter, device) -> {
            String first = firstLetterOf.putIfAbsent(device, letter);
            if (first == null) {
                mounts.add(new Mount(device, "/" + letter, options, device.equals(os.root())));
            } else {
                aliases.add(new Alias(letter, first));
            }
        });
        return new InspectorLayout(os, true, mounts, aliases);
    }

    /**
     * Mounts in the appliance: for drive letters, first the top-level directories (on the empty
     * sysroot), then every filesystem in order, then the aliases.
     *
     * @param warn gets one line per failure that is not fatal (without the program name)
     * @throws CliException a required mount failed (the message names device and mountpoint)
     */
    void apply(GuestSession session, GuestFileSystem fs, Consumer<String> warn) throws CliException {
        Set<String> failed = new HashSet<>();
        if (driveLetters) {
            for (Mount m : mounts) {
                try {
                    fs.mkdir(m.mountpoint(), 0755);
                } catch (GuestFsException e) {
                    if (e.errno() != Errno.EEXIST) {
                        failed(m, "cannot make the directory " + m.mountpoint() + " in the appliance: "
                                + MountSession.withoutPrefix(ErrorHandler.message(e), m.mountpoint()), e, warn);
                        failed.add(m.mountpoint());
                    }
                }
            }
        }
        for (Mount m : mounts) {
            if (failed.contains(m.mountpoint())) {
                continue;
            }
            try {
                session.mount(m.device(), m.mountpoint(), m.options(), null);
            } catch (GuestFsException e) {
                failed(m, MountSession.withoutPrefix(ErrorHandler.message(e), m.device()), e, warn);
                failed.add(m.mountpoint());
            }
        }
        for (Alias a : aliases) {
            if (failed.contains("/" + a.sameAs())) {
                continue;
            }
            try {
                fs.symlink(a.sameAs(), "/" + a.letter());
            } catch (GuestFsException e) {
                warn.accept("could not make drive letter " + a.letter() + " show drive " + a.sameAs() + ": "
                        + ErrorHandler.message(e));
            }
        }
    }

    private static void failed(Mount m, String cause, GuestFsException e, Consumer<String> warn) throws CliException {
        String what = "could not mount " + m.device() + " on " + m.mountpoint() + ": " + cause;
        if (m.required()) {
            throw new CliException(what, e);
        }
        warn.accept(what);
    }
}
