package io.jguest.cli.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mounts this process sees ({@code /proc/self/mountinfo}). */
final class MountTable {
    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /**
     * One mount.
     *
     * @param mountPoint where it is mounted
     * @param type       filesystem type ({@code ext4}, {@code fuse.jguest}...)
     * @param source     what is mounted ({@code /dev/sda1}, the fsname of a FUSE mount)
     */
    record Entry(Path mountPoint, String type, String source) {
        /** A FUSE mount, which fusermount can unmount ({@code fuse}, {@code fuse.NAME}, {@code fuseblk}...). */
        boolean isFuse() {
            return type.equals("fuse") || type.startsWith("fuse.") || type.equals("fuseblk") || type.startsWith("fuseblk.");
        }
    }

    private final List<Entry> entries;

    MountTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The current table. */
    static MountTable read() throws IOException {
        return parse(Files.readAllLines(MOUNTINFO));
    }

    static MountTable parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            parseLine(line).ifPresent(out::add);
        }
        return new MountTable(out);
    }

    /** The topmost mount at exactly {@code mountPoint} (the last one listed there), if any. */
    Optional<Entry> at(Path mountPoint) {
        Entry found = null;
        for (Entry e : entries) {
            if (e.mountPoint().equals(mountPoint)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS}. */
    static Optional<Entry> parseLine(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || dash < 5 || dash + 2 >= f.length) {
            return Optional.empty();
        }
        return Optional.of(new Entry(Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
    }

    /** The kernel writes space, tab, newline and backslash in paths as {@code \ooo} (octal). */
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
