package io.jguest.daemon.block;

import java.util.HashMap;
import java.util.Map;

/**
 * Translates between the kernel's disk names and the names users see, in which {@code /dev/sda} is
 * always the first drive attached, {@code /dev/sdb} the second... (the kernel names SCSI disks in
 * probe order, which is not attach order when probes run in parallel). Partitions follow their disk
 * ({@code sdb1} is {@code sda1} when {@code sdb} is the first drive); other paths pass unchanged.
 */
record DeviceNames(Map<String, String> kernelToUser, Map<String, String> userToKernel) {
    static DeviceNames of(Map<String, String> kernelToUser) {
        Map<String, String> inverse = new HashMap<>();
        kernelToUser.forEach((k, u) -> inverse.put(u, k));
        return new DeviceNames(Map.copyOf(kernelToUser), Map.copyOf(inverse));
    }

    /** A kernel device path ({@code /dev/sdb1}) as the user knows it. */
    String toUser(String path) {
        return translate(path, kernelToUser);
    }

    /** A user's device path as the kernel knows it. */
    String toKernel(String path) {
        return translate(path, userToKernel);
    }

    private static String translate(String path, Map<String, String> names) {
        if (path == null || !path.startsWith("/dev/sd")) {
            return path;
        }
        String name = path.substring("/dev/".length());
        int end = name.length();
        while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
            end--;
        }
        String disk = names.get(name.substring(0, end));
        return disk == null ? path : "/dev/" + disk + name.substring(end);
    }
}
