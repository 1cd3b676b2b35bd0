package io.jguest.inspection.detect;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Guest device names as fstab writes them, taken apart for the rules to map onto the appliance's. */
public final class DeviceNames {
    private static final Pattern XDEV = Pattern.compile("^/dev/(h|s|v|xv)d([a-z]+)(\\d*)$");

    private DeviceNames() {
    }

    /**
     * {@code /dev/sdb3}, {@code /dev/vda}, {@code /dev/xvdc1}, {@code /dev/hdaa2}: the disk's index in
     * drive order (a = 0 ... z = 25, aa = 26) and the partition number ({@code ""} for a whole disk).
     *
     * @return {index, partition}, or empty for another name
     */
    public static Optional<String[]> xdev(String spec) {
        Matcher m = XDEV.matcher(spec);
        if (!m.matches() || m.group(2).length() > 4) {
            return Optional.empty();
        }
        long index = 0;
        for (char c : m.group(2).toCharArray()) {
            index = index * 26 + (c - 'a' + 1);
        }
        return Optional.of(new String[] {Long.toString(index - 1), m.group(3)});
    }

    /**
     * A device-mapper name of an LVM logical volume ({@code vg-root}, {@code my--vg-lv--1}) split into
     * the volume group and the volume: LVM doubles every {@code -} in both names and joins them with
     * a single one.
     *
     * @return {vg, lv}, or empty when there is no single {@code -}
     */
    public static Optional<String[]> mapperName(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '-') {
                if (i + 1 < name.length() && name.charAt(i + 1) == '-') {
                    i++;
                    continue;
                }
                if (i == 0 || i == name.length() - 1) {
                    return Optional.empty();
                }
                return Optional.of(new String[] {name.substring(0, i).replace("--", "-"),
                        name.substring(i + 1).replace("--", "-")});
            }
        }
        return Optional.empty();
    }
}
