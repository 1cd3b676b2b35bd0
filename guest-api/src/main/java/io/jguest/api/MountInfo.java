package io.jguest.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/PID/mountinfo}, as the kernel documents it
 * ({@code ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS}),
 * with the kernel's octal escapes ({@code \040} for a space, also tab, newline and backslash) undone.
 *
 * @param device     the filesystem's device number, {@code major:minor}
 * @param mountPoint where it is mounted
 * @param type       filesystem type ({@code ext4}, {@code fuse.jguest}...)
 * @param source     what is mounted ({@code /dev/sda1}, the fsname of a FUSE mount)
 */
public record MountInfo(String device, Path mountPoint, String type, String source) {
    /** The entry on {@code line}, or empty when the line is not a mountinfo line. */
    public static Optional<MountInfo> parse(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || dash < 5 || dash + 2 >= f.length) {
            return Optional.empty();
        }
        return Optional.of(new MountInfo(f[2], Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
    }

    /** Undoes the kernel's {@code \ooo} escapes; a backslash not followed by three octal digits stays. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
