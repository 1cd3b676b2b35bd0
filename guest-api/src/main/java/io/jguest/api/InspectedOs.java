package io.jguest.api;

import java.util.List;

/**
 * One operating system found on the guest's disks, as inspection concludes it: the values of
 * libguestfs's {@code inspect_get_*} calls for one root. Strings are null when unknown; versions are 0.
 *
 * @param root                   the root filesystem's device ({@code /dev/sda2}, {@code /dev/vg/root})
 * @param type                   {@code linux}, {@code windows}, {@code freebsd}... or {@code unknown}
 * @param distro                 {@code debian}, {@code fedora}, {@code windows}... (libguestfs's names)
 * @param productName            {@code Debian GNU/Linux 12 (bookworm)}, {@code Windows 10 Pro}
 * @param productVariant         {@code Client}, {@code Server}... (Windows {@code InstallationType})
 * @param majorVersion           major version, 0 when unknown
 * @param minorVersion           minor version, 0 when unknown
 * @param arch                   {@code x86_64}, {@code i386}, {@code aarch64}...
 * @param hostname               the guest's own host name
 * @param packageFormat          {@code deb}, {@code rpm}, {@code apk}, {@code pacman}...
 * @param packageManagement      {@code apt}, {@code dnf}, {@code yum}, {@code apk}...
 * @param buildId                Windows {@code CurrentBuildNumber}, os-release {@code BUILD_ID}
 * @param windowsSystemroot      Windows directory as found on the filesystem ({@code /Windows})
 * @param windowsCurrentControlSet {@code ControlSet001}
 * @param mountpoints            where each filesystem is mounted in the guest (fstab), {@code /} first
 * @param driveMappings          Windows drive letters, in letter order
 * @param applications           installed packages or programs
 */
public record InspectedOs(String root, String type, String distro, String productName, String productVariant,
                          int majorVersion, int minorVersion, String arch, String hostname, String packageFormat,
                          String packageManagement, String buildId, String windowsSystemroot,
                          String windowsCurrentControlSet, List<OsMountpoint> mountpoints,
                          List<DriveMapping> driveMappings, List<Application> applications) {
    public InspectedOs {
        mountpoints = List.copyOf(mountpoints);
        driveMappings = List.copyOf(driveMappings);
        applications = List.copyOf(applications);
    }
}
