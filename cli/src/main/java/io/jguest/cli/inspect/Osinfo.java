package io.jguest.cli.inspect;

import io.jguest.api.InspectedOs;
import java.util.Locale;

/**
 * The libosinfo short id of an inspected operating system ({@code debian12}, {@code win7}...),
 * derived on the host from its type, distro, version, product name, variant and build, by the table
 * libguestfs's {@code inspect_get_osinfo} uses, so that {@code <osinfo>} says what virt-inspector's
 * does. {@link #UNKNOWN} when the table has no answer (which the writers leave out).
 *
 * <ul>
 *   <li>Linux: {@code centos} 8+ {@code centosN}, 7 {@code centos7.0}, 6 {@code centos6.M};
 *       {@code rocky} and {@code circle} 8+ {@code distroN}; {@code debian} 4+ {@code debianN};
 *       {@code fedora} and {@code mageia} {@code distroN}; {@code sles} {@code slesN} or
 *       {@code slesNspM}; {@code ubuntu} {@code ubuntuN.MM}; {@code archlinux}, {@code gentoo} and
 *       {@code voidlinux} the distro alone; {@code altlinux} 8+ {@code altN.M}, else
 *       {@code altlinuxN.M}; any other known distro with a version {@code distroN.M}
 *       ({@code rhel9.2}, {@code opensuse15.5}, {@code alpinelinux3.18}...).</li>
 *   <li>FreeBSD, NetBSD, OpenBSD: {@code distroN.M}. MS-DOS: {@code msdos6.22}.</li>
 *   <li>Windows, by version: 5.1 {@code winxp}; 5.2 {@code winxp} (XP x64: "XP" in the product
 *       name), {@code win2k3r2} ("R2") or {@code win2k3}; 6.0 {@code winvista}/{@code win2k8};
 *       6.1 {@code win7}/{@code win2k8r2}; 6.2 {@code win8}/{@code win2k12}; 6.3 {@code win8.1}/
 *       {@code win2k12r2} (the server id when the variant contains "Server"); 10.0 servers by the
 *       year in the product name ({@code win2k25}, {@code win2k22}, {@code win2k19}, else
 *       {@code win2k16}), clients by build ({@code win11} from 22000, else {@code win10}; without a
 *       build number {@code win10}, as libguestfs 1.48, which read no build, always said).</li>
 * </ul>
 */
final class Osinfo {
    /** What libguestfs answers when the table has no id; never printed. */
    static final String UNKNOWN = "unknown";

    /** The first Windows 11 build: Windows 11 still calls itself 10.0. */
    static final int WINDOWS_11_BUILD = 22000;

    private Osinfo() {
    }

    /** The id of {@code os}, or {@link #UNKNOWN}. */
    static String of(InspectedOs os) {
        String type = orUnknown(os.type());
        String distro = orUnknown(os.distro());
        int major = os.majorVersion();
        int minor = os.minorVersion();
        String id = switch (type) {
            case "linux" -> linux(distro, major, minor);
            case "freebsd", "netbsd", "openbsd" -> distro.equals(UNKNOWN) ? null : versioned(distro, major, minor);
            case "dos" -> distro.equals("msdos") ? "msdos6.22" : null;
            case "windows" -> windows(major, minor, orEmpty(os.productName()), orEmpty(os.productVariant()),
                    os.buildId());
            default -> null;
        };
        return id == null ? UNKNOWN : id;
    }

    private static String linux(String distro, int major, int minor) {
        String id = switch (distro) {
            case "centos" -> major >= 8 ? distro + major
                    : major == 7 ? "centos7.0"
                    : major == 6 ? versioned(distro, major, minor) : null;
            case "circle", "rocky" -> major >= 8 ? distro + major : null;
            case "debian" -> major >= 4 ? distro + major : null;
            case "fedora", "mageia" -> distro + major;
            case "sles" -> minor == 0 ? distro + major : distro + major + "sp" + minor;
            case "ubuntu" -> String.format(Locale.ROOT, "ubuntu%d.%02d", major, minor);
            case "archlinux", "gentoo", "voidlinux" -> distro;
            case "altlinux" -> major >= 8 ? versioned("alt", major, minor) : versioned(distro, major, minor);
            default -> null;
        };
        if (id == null && !distro.equals(UNKNOWN) && (major > 0 || minor > 0)) {
            id = versioned(distro, major, minor);
        }
        return id;
    }

    private static String windows(int major, int minor, String productName, String variant, String buildId) {
        boolean server = variant.contains("Server");
        return switch (major * 100 + minor) {
            case 501 -> "winxp";
            case 502 -> productName.contains("XP") ? "winxp" : productName.contains("R2") ? "win2k3r2" : "win2k3";
            case 600 -> server ? "win2k8" : "winvista";
            case 601 -> server ? "win2k8r2" : "win7";
            case 602 -> server ? "win2k12" : "win8";
            case 603 -> server ? "win2k12r2" : "win8.1";
            case 1000 -> server ? windowsServer10(productName) : windowsClient10(buildId);
            default -> null;
        };
    }

    private static String windowsServer10(String productName) {
        if (productName.contains("2025")) {
            return "win2k25";
        }
        if (productName.contains("2022")) {
            return "win2k22";
        }
        return productName.contains("2019") ? "win2k19" : "win2k16";
    }

    private static String windowsClient10(String buildId) {
        if (buildId == null || buildId.isEmpty()) {
            return "win10";
        }
        int build;
        try {
            build = Integer.parseInt(buildId.strip());
        } catch (NumberFormatException e) {
            return null;   // a build that is not a number: libguestfs gives up too
        }
        if (build < 0) {
            return null;
        }
        return build >= WINDOWS_11_BUILD ? "win11" : "win10";
    }

    private static String versioned(String distro, int major, int minor) {
        return distro + major + "." + minor;
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? UNKNOWN : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
