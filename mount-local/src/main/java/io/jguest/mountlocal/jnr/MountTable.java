package io.jguest.mountlocal.jnr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The kernel's view of this process's mounts ({@code /proc/self/mountinfo}). */
final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mount: its device ({@code major:minor}), where it is, its type ({@code fuse.jguest}) and source. */
    record Entry(String device, Path mountPoint, String type, String source) {
    }

    private MountTable() {
    }

    /** The topmost mount at exactly {@code mountPoint}, if any. */
    static Optional<Entry> at(Path mountPoint) {
        Entry found = null;
        for (Entry e : read()) {
            if (e.mountPoint().equals(mountPoint)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    static List<Entry> read() {
        try {
            return Files.readAllLines(MOUNTINFO).stream().map(MountTable::parse).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(MOUNTINFO + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code id parent major:minor root mountpoint options [optional...] - type source superoptions}. */
    static Optional<Entry> parse(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
            return Optional.empty();
        }
        return Optional.of(new Entry(f[2], Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
    }

    /** The kernel writes space, tab, newline and backslash as {@code \ooo}. */
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
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
